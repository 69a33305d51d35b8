package io.hartonomous.atom.atomize.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.atom.atomize.AtomNode;
import io.hartonomous.atom.atomize.AtomizeContext;
import io.hartonomous.atom.atomize.Atomizer;
import io.hartonomous.atom.atomize.Grouper;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.common.hash.ContentHash;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * GGUF (versions 2 and 3, little-endian): magic, version, tensor and key-value counts, the
 * key-value metadata, the tensor infos, padding to {@code general.alignment} (32 by default),
 * then the tensors' data. Tree: file → header (preamble, one level per key-value — string arrays
 * such as a vocabulary as one atom per string, in content-defined groups — and one level per
 * tensor info) → padding → tensors in data order → rows → one leaf per weight, or per quantized
 * block at block boundaries (a level of leaves when the block is over 64 bytes).
 *
 * <p>Counts and lengths are checked against the bytes left in the file before anything is read
 * for them: a header claiming a billion tensors, or a string longer than the file, is refused.
 */
public final class GgufAtomizer implements Atomizer {

    private static final byte[] MAGIC = {'G', 'G', 'U', 'F'};
    private static final int MAX_KEY = 65_535;
    private static final int MAX_DIMS = 4;
    private static final int MAX_NESTING = 3;
    /** Values up to this size are kept in the model's configuration JSON; longer ones are summarized. */
    private static final int CONFIG_STRING = 4096;
    private static final int CONFIG_ARRAY = 64;
    private static final int STRING = 8;
    private static final int ARRAY = 9;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public String modality() {
        return Tap.MODALITY;
    }

    @Override
    public int score(Sniff sniff) {
        if (!sniff.startsWith(MAGIC) || sniff.head().length < 8) {
            return 0;
        }
        return sniff.extension().equals("gguf") ? 90 : 85;
    }

    private record TensorInfo(int order, String name, long[] dims, GgufType type, long offset, long elements,
                              long bytes) {
    }

    @Override
    public void atomize(InputStream in, Sniff sniff, TreeWriter tree, AtomizeContext context) throws IOException {
        Tap tap = new Tap(in, tree, "GGUF", sniff.size());
        tap.open("gguf");
        tap.open("header");
        tap.as("preamble");
        tap.skip(4, "the magic");
        long version = tap.u32("the version");
        if (version == 1) {
            throw tap.malformed("GGUF version 1 (32-bit counts) is not supported; convert the file to version 3");
        }
        if (version != 2 && version != 3) {
            throw tap.malformed("unsupported GGUF version " + Long.toUnsignedString(version)
                    + " (versions 2 and 3 little-endian are supported)");
        }
        long tensorCount = tap.u64("the tensor count");
        long kvCount = tap.u64("the key-value count");
        // the smallest key-value takes 13 bytes, the smallest tensor info 24: a count the file
        // cannot hold is refused before anything is read or allocated for it
        if (kvCount < 0 || kvCount > tap.remaining() / 13) {
            throw tap.malformed("the header claims " + Long.toUnsignedString(kvCount) + " key-value pairs, more than the "
                    + tap.remaining() + " bytes left can hold");
        }
        if (tensorCount < 0 || tensorCount > tap.remaining() / 24) {
            throw tap.malformed("the header claims " + Long.toUnsignedString(tensorCount) + " tensors, more than the "
                    + tap.remaining() + " bytes left can hold");
        }
        tap.cut();

        ObjectNode config = NODES.objectNode();
        long alignment = 32;
        String architecture = null;
        for (long i = 0; i < kvCount; i++) {
            tap.open("kv");
            tap.as("key");
            String key = string(tap, MAX_KEY, "a metadata key");
            tap.as("value");
            long type = tap.u32("the type of " + key);
            JsonNode value = value(tap, type, key, 0);
            tap.close();
            config.set(key, value);
            if (key.equals("general.alignment")) {
                if (type != 4 || !value.canConvertToLong() || Long.bitCount(value.asLong()) != 1) {
                    throw tap.malformed("general.alignment must be a uint32 power of two, not " + value);
                }
                alignment = value.asLong();
            } else if (key.equals("general.architecture") && value.isTextual()) {
                architecture = value.asText();
            }
        }

        List<TensorInfo> tensors = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            tap.open("tensor-info");
            tensors.add(tensorInfo(tap, (int) i));
            tap.close();
        }
        tap.close();

        long headerEnd = tap.offset();
        long dataStart = (headerEnd + alignment - 1) / alignment * alignment;
        tensors.sort(Comparator.comparingLong(TensorInfo::offset).thenComparingInt(TensorInfo::order));
        long parameters = 0;
        long previousEnd = 0;
        String previousName = null;
        for (TensorInfo t : tensors) {
            if (t.offset() < previousEnd) {
                throw tap.malformed("tensors " + previousName + " and " + t.name() + " overlap");
            }
            if (t.offset() > sniff.size() - dataStart || t.bytes() > sniff.size() - dataStart - t.offset()) {
                throw tap.malformed("tensor " + t.name() + " (" + t.bytes() + " bytes at data offset " + t.offset()
                        + ") runs past the end of the " + sniff.size() + "-byte file");
            }
            previousEnd = t.offset() + t.bytes();
            previousName = t.name();
            parameters += t.elements();
        }
        List<String> names = tensors.stream().map(TensorInfo::name).toList();
        context.model(new AtomizeContext.ModelInfo("gguf", LayerNames.modelType(names, architecture), architecture,
                parameters, JSON.writeValueAsString(config)));

        if (!tensors.isEmpty()) {
            tap.opaque(dataStart - headerEnd, "padding");
        }
        TensorWriter writer = new TensorWriter(tap, context);
        long at = 0;
        for (int i = 0; i < tensors.size(); i++) {
            TensorInfo t = tensors.get(i);
            tap.opaque(t.offset() - at, "padding");
            long ne0 = t.dims().length == 0 ? 1 : t.dims()[0];
            long rows = ne0 == 0 ? 0 : t.elements() / ne0;
            GgufType type = t.type();
            ContentHash root = writer.fixed(i, rows, ne0 / type.blockSize, type.typeSize, type.quantization());
            context.layer(new AtomizeContext.LayerInfo(i, t.name(), LayerNames.layerType(t.name()), shape(t.dims()),
                    type.quantization(), null, t.elements(), root));
            at = t.offset() + t.bytes();
        }
        tap.rest("trailing");
    }

    /** A GGUF string: u64 length, then UTF-8 bytes; at most {@code max} bytes are accepted. */
    private static String string(Tap tap, int max, String what) throws IOException {
        long length = tap.u64("the length of " + what);
        tap.require(length, what);
        return new String(tap.take(length, max, what), StandardCharsets.UTF_8);
    }

    private static int fixedSize(long type) {
        return switch ((int) type) {
            case 0, 1, 7 -> 1;
            case 2, 3 -> 2;
            case 4, 5, 6 -> 4;
            case 10, 11, 12 -> 8;
            default -> -1;
        };
    }

    /** Reads a value of {@code type}; returns it for the configuration JSON, or a summary if it is big. */
    private JsonNode value(Tap tap, long type, String key, int depth) throws IOException {
        if (type < 0 || type > 12) {
            throw tap.malformed("metadata " + key + " has unknown value type " + Long.toUnsignedString(type));
        }
        if (type == STRING) {
            long length = tap.u64("the length of the string " + key);
            tap.require(length, "the string " + key);
            if (length <= CONFIG_STRING) {
                return NODES.textNode(new String(tap.take(length, CONFIG_STRING, key), StandardCharsets.UTF_8));
            }
            tap.opaque(length, "string");
            return summary("string", length);
        }
        if (type == ARRAY) {
            return array(tap, key, depth);
        }
        int size = fixedSize(type);
        byte[] b = tap.take(size, size, key);
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xffL);
        }
        return switch ((int) type) {
            case 0, 2, 4 -> NODES.numberNode(v);
            case 1 -> NODES.numberNode((byte) v);
            case 3 -> NODES.numberNode((short) v);
            case 5 -> NODES.numberNode((int) v);
            case 6 -> floatNode(Float.intBitsToFloat((int) v));
            case 7 -> NODES.booleanNode(v != 0);
            case 10 -> NODES.numberNode(new java.math.BigInteger(Long.toUnsignedString(v)));
            case 11 -> NODES.numberNode(v);
            default -> floatNode(Double.longBitsToDouble(v));
        };
    }

    private static JsonNode floatNode(double v) {
        return Double.isFinite(v) ? NODES.numberNode(v) : NODES.textNode(Double.toString(v));
    }

    private JsonNode array(Tap tap, String key, int depth) throws IOException {
        if (depth >= MAX_NESTING) {
            throw tap.malformed("metadata " + key + " nests arrays deeper than " + MAX_NESTING);
        }
        long type = tap.u32("the element type of " + key);
        long count = tap.u64("the length of the array " + key);
        if (type < 0 || type > 12) {
            throw tap.malformed("metadata " + key + " has unknown element type " + Long.toUnsignedString(type));
        }
        int size = fixedSize(type);
        int least = size > 0 ? size : type == STRING ? 8 : 12;
        if (count < 0 || count > tap.remaining() / least) {
            throw tap.malformed("the array " + key + " claims " + Long.toUnsignedString(count) + " elements, more than the "
                    + tap.remaining() + " bytes left can hold");
        }
        if (size > 0 && count > CONFIG_ARRAY) {
            tap.opaque(count * size, "array");
            return summary(typeName(type), count);
        }
        boolean keep = count <= CONFIG_ARRAY;
        ArrayNode values = NODES.arrayNode();
        if (type == STRING && count > CONFIG_ARRAY) {
            // a vocabulary: one atom per string, so models sharing tokens share atoms
            tap.cut();
            Grouper groups = new Grouper(tap.tree(), 2, 15, 256, Tap.MODALITY, "strings");
            tap.as("string");
            for (long i = 0; i < count; i++) {
                groups.beforeUnit();
                byte[] prefix = tap.peek(8, "the length of a string in " + key);
                long length = 0;
                for (int b = 7; b >= 0; b--) {
                    length = (length << 8) | (prefix[b] & 0xffL);
                }
                if (length < 0 || length > tap.remaining() - 8) {
                    throw tap.malformed("a string in " + key + " claims " + Long.toUnsignedString(length)
                            + " bytes, more than the " + tap.remaining() + " bytes left");
                }
                TreeWriter.Ref ref;
                if (length + 8 <= AtomNode.MAX_LEAF) {
                    tap.skip(8 + length, key);
                    ref = tap.cut();
                } else {
                    tap.open("string");
                    tap.skip(8 + length, key);
                    ref = tap.close();
                }
                groups.afterUnit(ref, false);
            }
            groups.finish();
            return summary("string", count);
        }
        for (long i = 0; i < count; i++) {
            JsonNode v = value(tap, type, key, depth + 1);
            if (keep) {
                values.add(v);
            }
        }
        return values;
    }

    private static ObjectNode summary(String type, long count) {
        ObjectNode s = NODES.objectNode();
        s.put("type", type);
        s.put(type.equals("string") && count > 0 ? "length" : "count", count);
        return s;
    }

    private static String typeName(long type) {
        return switch ((int) type) {
            case 0 -> "uint8";
            case 1 -> "int8";
            case 2 -> "uint16";
            case 3 -> "int16";
            case 4 -> "uint32";
            case 5 -> "int32";
            case 6 -> "float32";
            case 7 -> "bool";
            case 8 -> "string";
            case 9 -> "array";
            case 10 -> "uint64";
            case 11 -> "int64";
            default -> "float64";
        };
    }

    private static TensorInfo tensorInfo(Tap tap, int order) throws IOException {
        tap.as("tensor-info");
        String name = string(tap, MAX_KEY, "a tensor name");
        long nDims = tap.u32("the dimension count of " + name);
        if (nDims > MAX_DIMS) {
            throw tap.malformed("tensor " + name + " claims " + nDims + " dimensions; GGUF allows at most " + MAX_DIMS);
        }
        long[] dims = new long[(int) nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            dims[d] = tap.u64("a dimension of " + name);
            if (dims[d] < 0) {
                throw tap.malformed("tensor " + name + " has a dimension of " + Long.toUnsignedString(dims[d]));
            }
            try {
                elements = Math.multiplyExact(elements, dims[d]);
            } catch (ArithmeticException overflow) {
                throw tap.malformed("tensor " + name + " has an element count that overflows");
            }
        }
        long typeId = tap.u32("the type of " + name);
        GgufType type = GgufType.of(typeId);
        if (type == null) {
            throw tap.malformed("tensor " + name + " has unknown ggml type " + Long.toUnsignedString(typeId));
        }
        long ne0 = nDims == 0 ? 1 : dims[0];
        if (ne0 % type.blockSize != 0) {
            throw tap.malformed("tensor " + name + " of type " + type + " has " + ne0 + " columns, not a multiple of its "
                    + type.blockSize + "-weight blocks");
        }
        long offset = tap.u64("the data offset of " + name);
        if (offset < 0) {
            throw tap.malformed("tensor " + name + " has data offset " + Long.toUnsignedString(offset));
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(elements / type.blockSize, (long) type.typeSize);
        } catch (ArithmeticException overflow) {
            throw tap.malformed("tensor " + name + " is too large");
        }
        return new TensorInfo(order, name, dims, type, offset, elements, bytes);
    }

    /** Row-major order (slowest dimension first), as safetensors and ONNX write shapes. */
    private static String shape(long[] dims) {
        List<Long> s = new ArrayList<>();
        for (int d = dims.length - 1; d >= 0; d--) {
            s.add(dims[d]);
        }
        return s.toString();
    }
}
