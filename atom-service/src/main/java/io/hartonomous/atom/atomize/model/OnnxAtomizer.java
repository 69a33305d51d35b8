package io.hartonomous.atom.atomize.model;

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
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * ONNX: a protobuf {@code ModelProto}, walked by hand with explicit offsets so that every byte
 * lands in exactly one leaf. Tree: file → model fields (tags, metadata as leaves) → graph (field
 * 7) → its fields: nodes and other metadata one atom per field (content-defined groups), each
 * initializer (field 5) a level of its own holding its fields, and in it the tensor's data
 * ({@code raw_data}, packed {@code float_data}/{@code double_data}, or packed varints) as
 * tensor → rows → one leaf per value.
 *
 * <p>Only ModelProto → GraphProto → TensorProto are descended into (a fixed depth); every length
 * is checked against its enclosing message before it is read. The model is recorded when the
 * first tensor is reached, from the fields seen so far (ir_version, producer, domain, graph
 * name): a streaming read cannot know the parameter count or the opsets (written after the graph)
 * by then, so those stay out of it.
 */
public final class OnnxAtomizer implements Atomizer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int KEEP = 4096;
    private static final int MAX_DIMS = 32;
    private static final Set<Integer> MODEL_LENGTH_FIELDS = Set.of(2, 3, 4, 6, 7, 8, 14, 20, 25);

    @Override
    public String modality() {
        return Tap.MODALITY;
    }

    /** A ModelProto starts with ir_version (field 1, varint, a small number) followed by other known fields. */
    @Override
    public int score(Sniff sniff) {
        byte[] head = sniff.head();
        if (head.length < 4 || head[0] != 0x08 || head[1] < 1 || head[1] > 32) {
            return 0;
        }
        int at = 2;
        int fields = 0;
        while (at < head.length && fields < 8) {
            long[] tag = varint(head, at);
            if (tag == null) {
                break;
            }
            int field = (int) (tag[0] >>> 3);
            int wire = (int) (tag[0] & 7);
            at = (int) tag[1];
            if (wire == 0 && field == 5) {
                long[] v = varint(head, at);
                if (v == null) {
                    break;
                }
                at = (int) v[1];
            } else if (wire == 2 && MODEL_LENGTH_FIELDS.contains(field)) {
                long[] length = varint(head, at);
                if (length == null) {
                    break;
                }
                if (length[0] < 0 || length[0] > sniff.size() - length[1]) {
                    return 0;
                }
                if (field == 7) {
                    fields++;
                    break;
                }
                at = (int) Math.min(Integer.MAX_VALUE, length[1] + length[0]);
            } else {
                return 0;
            }
            fields++;
        }
        if (fields == 0) {
            return 0;
        }
        return sniff.extension().equals("onnx") ? 85 : 75;
    }

    /** {value, next offset}, or null when the varint does not end inside {@code bytes}. */
    private static long[] varint(byte[] bytes, int from) {
        long v = 0;
        for (int i = 0; i < 10 && from + i < bytes.length; i++) {
            int b = bytes[from + i] & 0xff;
            v |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return new long[]{v, from + i + 1};
            }
        }
        return null;
    }

    /** A field's tag and, for length-delimited fields, its payload length; {@code total} includes both. */
    private record Field(int number, int wire, int headLength, long payload, long total) {
    }

    private static Field peekField(Tap tap, long end) throws IOException {
        int n = (int) Math.min(20, end - tap.offset());
        byte[] head = tap.peek(n, "a field header");
        long[] tag = varint(head, 0);
        if (tag == null) {
            throw tap.malformed("a protobuf field tag is truncated or overflows");
        }
        int number = (int) (tag[0] >>> 3);
        int wire = (int) (tag[0] & 7);
        if (number == 0 || tag[0] >>> 3 > 0x1fff_ffff) {
            throw tap.malformed("a protobuf field has the invalid number " + (tag[0] >>> 3));
        }
        int at = (int) tag[1];
        long payload;
        switch (wire) {
            case 0 -> {
                long[] v = varint(head, at);
                if (v == null) {
                    throw tap.malformed("a protobuf varint is truncated or longer than 10 bytes");
                }
                payload = v[1] - at;
            }
            case 1 -> payload = 8;
            case 5 -> payload = 4;
            case 2 -> {
                long[] length = varint(head, at);
                if (length == null) {
                    throw tap.malformed("a protobuf length is truncated or longer than 10 bytes");
                }
                at = (int) length[1];
                payload = length[0];
            }
            default -> throw tap.malformed("protobuf wire type " + wire + " (field " + number + ") is not supported");
        }
        long room = end - tap.offset() - at;
        if (payload < 0 || payload > room) {
            throw tap.malformed("field " + number + " claims " + Long.toUnsignedString(payload)
                    + " bytes, more than the " + Math.max(0, room) + " left in its message");
        }
        return new Field(number, wire, at, payload, at + payload);
    }

    /** State of one file: what the model record needs, and the layer count. */
    private final class Walk {
        final Tap tap;
        final AtomizeContext context;
        final TensorWriter writer;
        final ObjectNode config = NODES.objectNode();
        String graphName;
        boolean attention;
        boolean modelRecorded;
        int layers;

        Walk(Tap tap, AtomizeContext context) {
            this.tap = tap;
            this.context = context;
            this.writer = new TensorWriter(tap, context);
        }

        void recordModel() throws IOException {
            if (modelRecorded) {
                return;
            }
            modelRecorded = true;
            String producer = config.path("producer_name").asText(null);
            String architecture = graphName != null && !graphName.isEmpty() ? graphName : producer;
            String type = attention ? LayerNames.TRANSFORMER : LayerNames.modelType(List.of(), architecture);
            context.model(new AtomizeContext.ModelInfo("onnx", type, architecture, null, JSON.writeValueAsString(config)));
        }

        /** ModelProto, up to the end of the file. */
        void model() throws IOException {
            long end = tap.size();
            while (tap.offset() < end) {
                Field f = peekField(tap, end);
                if (f.number() == 7 && f.wire() == 2) {
                    tap.as("field");
                    tap.skip(f.headLength(), "the graph's tag");
                    graph(f.payload());
                    continue;
                }
                tap.as("field");
                byte[] payload = readField(f);
                if (payload != null) {
                    switch (f.number()) {
                        case 1 -> config.put("ir_version", decodeVarint(payload));
                        case 2 -> config.put("producer_name", utf8(payload));
                        case 3 -> config.put("producer_version", utf8(payload));
                        case 4 -> config.put("domain", utf8(payload));
                        case 5 -> config.put("model_version", decodeVarint(payload));
                        case 8 -> opset(payload);
                        default -> {
                        }
                    }
                }
            }
            recordModel();
        }

        /**
         * Reads one field as pending bytes (or an opaque level when large) and returns its payload
         * when it is small enough to keep (varints come back as their encoded bytes).
         */
        private byte[] readField(Field f) throws IOException {
            if (f.wire() == 2 && f.payload() > KEEP) {
                tap.skip(f.headLength(), "a field header");
                tap.opaque(f.payload(), "field");
                return null;
            }
            tap.skip(f.headLength(), "a field header");
            return tap.take(f.payload(), KEEP, "field " + f.number());
        }

        private void opset(byte[] payload) {
            ArrayNode opsets = config.has("opset_import") ? (ArrayNode) config.get("opset_import") : config.putArray("opset_import");
            ObjectNode o = opsets.addObject();
            int at = 0;
            while (at < payload.length) {
                long[] tag = varint(payload, at);
                if (tag == null) {
                    return;
                }
                at = (int) tag[1];
                if ((tag[0] & 7) == 0) {
                    long[] v = varint(payload, at);
                    if (v == null) {
                        return;
                    }
                    o.put("version", v[0]);
                    at = (int) v[1];
                } else if ((tag[0] & 7) == 2) {
                    long[] len = varint(payload, at);
                    if (len == null || len[0] < 0 || len[1] + len[0] > payload.length) {
                        return;
                    }
                    o.put("domain", new String(payload, (int) len[1], (int) len[0], StandardCharsets.UTF_8));
                    at = (int) (len[1] + len[0]);
                } else {
                    return;
                }
            }
        }

        /** GraphProto of {@code length} bytes at the current offset. */
        private void graph(long length) throws IOException {
            long end = tap.offset() + length;
            boolean level = length > AtomNode.MAX_LEAF;
            if (level) {
                tap.open("graph");
            }
            Grouper groups = null;
            while (tap.offset() < end) {
                Field f = peekField(tap, end);
                if (f.number() == 5 && f.wire() == 2) {
                    if (groups != null) {
                        groups.finish();
                        groups = null;
                    }
                    initializer(f);
                    continue;
                }
                if (groups == null) {
                    tap.cut();
                    groups = new Grouper(tap.tree(), 2, 15, 256, Tap.MODALITY, "fields");
                }
                groups.beforeUnit();
                TreeWriter.Ref ref;
                if (f.total() <= AtomNode.MAX_LEAF) {
                    tap.as("field");
                    byte[] payload = readField(f);
                    noteGraphField(f, payload);
                    ref = tap.cut();
                } else {
                    tap.open(f.number() == 1 ? "node" : "field");
                    tap.as("field");
                    byte[] payload = readField(f);
                    noteGraphField(f, payload);
                    ref = tap.close();
                }
                groups.afterUnit(ref, false);
            }
            if (groups != null) {
                groups.finish();
            }
            if (level) {
                tap.close();
            }
        }

        private void noteGraphField(Field f, byte[] payload) {
            if (payload == null) {
                return;
            }
            if (f.number() == 2 && f.wire() == 2) {
                graphName = utf8(payload);
            } else if (f.number() == 1 && !attention) {
                attention = new String(payload, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).contains("attention");
            }
        }

        /** One TensorProto: its fields as leaves, its data as a tensor. */
        private void initializer(Field field) throws IOException {
            tap.as("field");
            tap.skip(field.headLength(), "an initializer's tag");
            long end = tap.offset() + field.payload();
            boolean level = field.payload() > AtomNode.MAX_LEAF;
            if (level) {
                tap.open("initializer");
            }
            List<Long> dims = new ArrayList<>();
            int dataType = 0;
            String name = null;
            ContentHash root = null;
            long elements = -1;
            int layer = -1;
            while (tap.offset() < end) {
                Field f = peekField(tap, end);
                int unit = unitBytes(f, dataType);
                if (f.number() == 1) {
                    readDims(f, dims);
                } else if (f.number() == 2 && f.wire() == 0) {
                    tap.as("field");
                    dataType = (int) decodeVarint(readField(f));
                } else if (f.number() == 8 && f.wire() == 2 && f.payload() <= KEEP) {
                    tap.as("field");
                    name = utf8(readField(f));
                } else if (layer < 0 && unit != 0 && fits(dims, unit, f)) {
                    recordModel();
                    layer = layers++;
                    tap.as("field");
                    tap.skip(f.headLength(), "a tensor data header");
                    tap.cut();
                    long cols = dims.isEmpty() ? 1 : dims.get(dims.size() - 1);
                    String quantization = quantization(dataType);
                    if (unit > 0) {
                        elements = f.payload() / unit;
                        long rows = cols == 0 ? 0 : elements / cols;
                        root = writer.fixed(layer, rows, cols, unit, quantization);
                    } else {
                        long before = tap.offset();
                        root = writer.varints(layer, f.payload(), cols, quantization);
                        elements = product(dims);
                        if (tap.offset() - before != f.payload()) {
                            throw tap.malformed("packed values overrun their field");
                        }
                    }
                } else {
                    tap.as("field");
                    readField(f);
                }
            }
            if (layer >= 0) {
                String layerName = name == null ? "initializer_" + layer : name;
                context.layer(new AtomizeContext.LayerInfo(layer, layerName, LayerNames.layerType(layerName), dims.toString(),
                        quantization(dataType), null, elements, root));
            }
            if (level) {
                tap.close();
            } else {
                tap.cut();
            }
        }

        private void readDims(Field f, List<Long> dims) throws IOException {
            tap.as("field");
            if (f.wire() == 0) {
                tap.skip(f.headLength(), "a dimension's tag");
                addDim(dims, tap.varint("a dimension"));
            } else if (f.wire() == 2) {
                tap.skip(f.headLength(), "the dimensions' header");
                long end = tap.offset() + f.payload();
                while (tap.offset() < end) {
                    addDim(dims, tap.varint("a dimension"));
                }
                if (tap.offset() != end) {
                    throw tap.malformed("the packed dimensions overrun their field");
                }
            } else {
                readField(f);
            }
        }

        private void addDim(List<Long> dims, long dim) throws IOException {
            if (dims.size() >= MAX_DIMS || dim < 0) {
                throw tap.malformed("a tensor has more than " + MAX_DIMS + " dimensions or a negative one (" + dim + ")");
            }
            dims.add(dim);
        }
    }

    /**
     * Bytes per value of a data field for the tensor's type: raw_data and packed float_data /
     * double_data are fixed-size (positive), packed int32/int64/uint64 data are varints (-1),
     * anything else is not tensor data this atomizer lays out (0).
     */
    private static int unitBytes(Field f, int dataType) {
        if (f.wire() != 2) {
            return 0;
        }
        return switch (f.number()) {
            case 9 -> elementBytes(dataType);
            case 4 -> dataType == 1 || dataType == 14 ? 4 : 0;
            case 10 -> dataType == 11 || dataType == 15 ? 8 : 0;
            case 5, 7, 11 -> -1;
            default -> 0;
        };
    }

    /** Whether a data field holds exactly the shape's values (varints are checked as they are read). */
    private static boolean fits(List<Long> dims, int unit, Field f) {
        long elements = product(dims);
        if (elements < 0) {
            return false;
        }
        if (unit < 0) {
            return f.payload() >= elements && f.payload() <= elements * 10;
        }
        return f.payload() % unit == 0 && f.payload() / unit == elements;
    }

    /** The shape's element count, or -1 if it overflows. */
    private static long product(List<Long> dims) {
        long n = 1;
        try {
            for (long d : dims) {
                n = Math.multiplyExact(n, d);
            }
        } catch (ArithmeticException overflow) {
            return -1;
        }
        return n;
    }

    private static int elementBytes(int dataType) {
        return switch (dataType) {
            case 2, 3, 9, 17, 18, 19, 20 -> 1;
            case 4, 5, 10, 16 -> 2;
            case 1, 6, 12 -> 4;
            case 7, 11, 13, 14 -> 8;
            case 15 -> 16;
            default -> 0;
        };
    }

    static String quantization(int dataType) {
        return switch (dataType) {
            case 1 -> "fp32";
            case 2 -> "uint8";
            case 3 -> "int8";
            case 4 -> "uint16";
            case 5 -> "int16";
            case 6 -> "int32";
            case 7 -> "int64";
            case 9 -> "bool";
            case 10 -> "fp16";
            case 11 -> "fp64";
            case 12 -> "uint32";
            case 13 -> "uint64";
            case 14 -> "complex64";
            case 15 -> "complex128";
            case 16 -> "bf16";
            case 17 -> "fp8_e4m3fn";
            case 18 -> "fp8_e4m3fnuz";
            case 19 -> "fp8_e5m2";
            case 20 -> "fp8_e5m2fnuz";
            default -> "onnx_type_" + dataType;
        };
    }

    private static long decodeVarint(byte[] bytes) {
        long[] v = varint(bytes, 0);
        return v == null ? 0 : v[0];
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void atomize(InputStream in, Sniff sniff, TreeWriter tree, AtomizeContext context) throws IOException {
        Tap tap = new Tap(in, tree, "ONNX", sniff.size());
        tap.open("onnx");
        new Walk(tap, context).model();
        tap.rest("trailing");
    }
}
