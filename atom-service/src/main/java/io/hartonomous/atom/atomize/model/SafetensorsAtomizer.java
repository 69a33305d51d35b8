package io.hartonomous.atom.atomize.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.atom.atomize.AtomizeContext;
import io.hartonomous.atom.atomize.Atomizer;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.common.hash.ContentHash;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * safetensors: an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets}, "__metadata__": {…}}}, then the tensors' bytes.
 * Tree: file → header (length leaf, JSON chunks) → tensors in data order (padding between them as
 * leaves) → rows → one leaf per value. The header is capped at 100 MiB (as the reference
 * implementation does) and every tensor must lie inside the file, with a size matching its dtype
 * and shape, and not overlap another.
 */
public final class SafetensorsAtomizer implements Atomizer {

    static final int MAX_HEADER = 100 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
            Map.entry("F64", 8), Map.entry("F32", 4), Map.entry("F16", 2), Map.entry("BF16", 2),
            Map.entry("I64", 8), Map.entry("I32", 4), Map.entry("I16", 2), Map.entry("I8", 1),
            Map.entry("U64", 8), Map.entry("U32", 4), Map.entry("U16", 2), Map.entry("U8", 1),
            Map.entry("BOOL", 1), Map.entry("F8_E4M3", 1), Map.entry("F8_E5M2", 1), Map.entry("F8_E8M0", 1));

    @Override
    public String modality() {
        return Tap.MODALITY;
    }

    @Override
    public int score(Sniff sniff) {
        byte[] head = sniff.head();
        if (head.length < 10) {
            return 0;
        }
        long n = 0;
        for (int i = 7; i >= 0; i--) {
            n = (n << 8) | (head[i] & 0xffL);
        }
        if (n < 2 || n > sniff.size() - 8 || head[8] != '{') {
            return 0;
        }
        return sniff.extension().equals("safetensors") ? 90 : 80;
    }

    private record Tensor(String name, String dtype, List<Long> shape, long begin, long end, long elements) {
    }

    @Override
    public void atomize(InputStream in, Sniff sniff, TreeWriter tree, AtomizeContext context) throws IOException {
        Tap tap = new Tap(in, tree, "safetensors", sniff.size());
        tap.open("safetensors");
        tap.open("header");
        tap.as("header-length");
        long length = tap.u64("the header length");
        if (length < 0 || length > MAX_HEADER) {
            throw tap.malformed("the header claims " + Long.toUnsignedString(length) + " bytes; at most "
                    + MAX_HEADER + " are allowed");
        }
        tap.require(length, "the JSON header");
        byte[] json = tap.takeChunked(length, MAX_HEADER, "json");
        tap.close();
        long dataStart = tap.offset();
        long dataSize = sniff.size() - dataStart;

        JsonNode header;
        try {
            header = JSON.readTree(json);
        } catch (JacksonException e) {
            throw tap.malformed("the JSON header does not parse: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) {
            throw tap.malformed("the JSON header is not an object");
        }
        JsonNode metadata = header.get("__metadata__");
        List<Tensor> tensors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("__metadata__")) {
                tensors.add(tensor(tap, e.getKey(), e.getValue(), dataSize));
            }
        }
        tensors.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
        long parameters = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (i > 0 && t.begin() < tensors.get(i - 1).end()) {
                throw tap.malformed("tensors " + tensors.get(i - 1).name() + " and " + t.name() + " overlap");
            }
            parameters += t.elements();
        }

        String architecture = null;
        if (metadata != null && metadata.isObject()) {
            for (String key : List.of("architecture", "modelspec.architecture", "model_type", "arch")) {
                if (metadata.hasNonNull(key)) {
                    architecture = metadata.get(key).asText();
                    break;
                }
            }
        }
        List<String> names = tensors.stream().map(Tensor::name).toList();
        context.model(new AtomizeContext.ModelInfo("safetensors", LayerNames.modelType(names, architecture), architecture,
                parameters, metadata == null ? "{}" : JSON.writeValueAsString(metadata)));

        TensorWriter writer = new TensorWriter(tap, context);
        long at = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            tap.opaque(t.begin() - at, "padding");
            long cols = t.shape().isEmpty() ? 1 : t.shape().get(t.shape().size() - 1);
            long rows = cols == 0 ? 0 : t.elements() / cols;
            String quantization = quantization(t.dtype());
            ContentHash root = writer.fixed(i, rows, cols, DTYPE_BYTES.get(t.dtype()), quantization);
            context.layer(new AtomizeContext.LayerInfo(i, t.name(), LayerNames.layerType(t.name()), t.shape().toString(),
                    quantization, null, t.elements(), root));
            at = t.end();
        }
        tap.opaque(dataSize - at, "padding");
        tap.rest("trailing");
    }

    private static Tensor tensor(Tap tap, String name, JsonNode node, long dataSize) throws IOException {
        if (!node.isObject()) {
            throw tap.malformed("the header entry of tensor " + name + " is not an object");
        }
        JsonNode dtype = node.get("dtype");
        if (dtype == null || !dtype.isTextual() || !DTYPE_BYTES.containsKey(dtype.asText())) {
            throw tap.malformed("tensor " + name + " has no supported dtype (" + dtype + ")");
        }
        JsonNode shape = node.get("shape");
        if (shape == null || !shape.isArray() || shape.size() > 16) {
            throw tap.malformed("tensor " + name + " has no shape array of at most 16 dimensions");
        }
        List<Long> dims = new ArrayList<>();
        long elements = 1;
        for (JsonNode d : shape) {
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw tap.malformed("tensor " + name + " has a shape entry that is not a non-negative integer: " + d);
            }
            dims.add(d.asLong());
            try {
                elements = Math.multiplyExact(elements, d.asLong());
            } catch (ArithmeticException overflow) {
                throw tap.malformed("tensor " + name + " has a shape whose element count overflows: " + shape);
            }
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
            throw tap.malformed("tensor " + name + " has no data_offsets [begin, end]");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw tap.malformed("tensor " + name + " has data_offsets [" + begin + ", " + end
                    + "] outside the " + dataSize + " bytes of data in the file");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(elements, (long) DTYPE_BYTES.get(dtype.asText()));
        } catch (ArithmeticException overflow) {
            throw tap.malformed("tensor " + name + " is too large: " + shape);
        }
        if (bytes != end - begin) {
            throw tap.malformed("tensor " + name + " of dtype " + dtype.asText() + " and shape " + dims + " needs "
                    + bytes + " bytes, but its data_offsets span " + (end - begin));
        }
        return new Tensor(name, dtype.asText(), List.copyOf(dims), begin, end, elements);
    }

    static String quantization(String dtype) {
        return switch (dtype) {
            case "F64" -> "fp64";
            case "F32" -> "fp32";
            case "F16" -> "fp16";
            case "BF16" -> "bf16";
            case "F8_E4M3" -> "fp8_e4m3";
            case "F8_E5M2" -> "fp8_e5m2";
            case "F8_E8M0" -> "fp8_e8m0";
            case "I64" -> "int64";
            case "I32" -> "int32";
            case "I16" -> "int16";
            case "I8" -> "int8";
            case "U64" -> "uint64";
            case "U32" -> "uint32";
            case "U16" -> "uint16";
            case "U8" -> "uint8";
            default -> dtype.toLowerCase(java.util.Locale.ROOT);
        };
    }
}
