package io.hartonomous.atom.atomize;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model files for tests: the real all-MiniLM-L6-v2 quantized ONNX (from the langchain4j test
 * dependency), its initializers, and safetensors / GGUF / ONNX files written from them.
 */
final class TestingModels {

    static final String MINILM_RESOURCE = "all-minilm-l6-v2-q.onnx";
    private static byte[] minilm;

    /** A tensor: ONNX data type, dims (row-major), little-endian data bytes. */
    record Tensor(String name, int dataType, long[] dims, byte[] data) {
        float[] floats() {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            float[] f = new float[data.length / 4];
            for (int i = 0; i < f.length; i++) {
                f[i] = b.getFloat();
            }
            return f;
        }
    }

    static synchronized byte[] minilm() {
        if (minilm == null) {
            try (InputStream in = TestingModels.class.getClassLoader().getResourceAsStream(MINILM_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(MINILM_RESOURCE + " not on the test class path");
                }
                minilm = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return minilm;
    }

    /** The MiniLM initializers holding raw_data or float_data, by name, in file order. */
    static Map<String, Tensor> minilmTensors() {
        byte[] d = minilm();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (long[] f : fields(d, 0, d.length)) {
            if (f[0] != 7) {
                continue;
            }
            for (long[] g : fields(d, (int) f[2], (int) f[3])) {
                if (g[0] != 5) {
                    continue;
                }
                List<Long> dims = new ArrayList<>();
                int type = 0;
                String name = null;
                byte[] data = null;
                for (long[] t : fields(d, (int) g[2], (int) g[3])) {
                    switch ((int) t[0]) {
                        case 1 -> dims.add(t[2]);
                        case 2 -> type = (int) t[2];
                        case 8 -> name = new String(d, (int) t[2], (int) (t[3] - t[2]), StandardCharsets.UTF_8);
                        case 9, 4 -> data = java.util.Arrays.copyOfRange(d, (int) t[2], (int) t[3]);
                        default -> {
                        }
                    }
                }
                if (data != null && (type == 1 || type == 3 || type == 2 || type == 7)) {
                    out.put(name, new Tensor(name, type, dims.stream().mapToLong(Long::longValue).toArray(), data));
                }
            }
        }
        return out;
    }

    /** Fields of a protobuf message: {number, wire, value-or-start, end}. Packed/unpacked dims come as varints. */
    private static List<long[]> fields(byte[] d, int from, int to) {
        List<long[]> out = new ArrayList<>();
        int[] at = {from};
        while (at[0] < to) {
            long tag = varint(d, at);
            int wire = (int) (tag & 7);
            switch (wire) {
                case 0 -> out.add(new long[]{tag >>> 3, 0, varint(d, at), 0});
                case 1 -> at[0] += 8;
                case 5 -> at[0] += 4;
                case 2 -> {
                    long len = varint(d, at);
                    out.add(new long[]{tag >>> 3, 2, at[0], at[0] + len});
                    at[0] += (int) len;
                }
                default -> throw new IllegalStateException("wire " + wire);
            }
        }
        return out;
    }

    private static long varint(byte[] d, int[] at) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int b = d[at[0]++] & 0xff;
            v |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return v;
            }
        }
    }

    // ---- safetensors ---------------------------------------------------------------------------

    /** One safetensors entry: dtype, shape, bytes. */
    record St(String name, String dtype, long[] shape, byte[] data) {
    }

    static byte[] safetensors(Map<String, String> metadata, St... tensors) {
        StringBuilder json = new StringBuilder("{");
        if (metadata != null) {
            json.append("\"__metadata__\":{");
            String sep = "";
            for (var e : metadata.entrySet()) {
                json.append(sep).append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
                sep = ",";
            }
            json.append("},");
        }
        long offset = 0;
        String sep = "";
        for (St t : tensors) {
            json.append(sep).append('"').append(t.name()).append("\":{\"dtype\":\"").append(t.dtype())
                    .append("\",\"shape\":").append(java.util.Arrays.toString(t.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + t.data().length).append("]}");
            offset += t.data().length;
            sep = ",";
        }
        json.append('}');
        while ((json.length() + 8) % 8 != 0) {
            json.append(' ');
        }
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(header.length, 8));
        out.writeBytes(header);
        for (St t : tensors) {
            out.writeBytes(t.data());
        }
        return out.toByteArray();
    }

    static byte[] toF16(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(Float.floatToFloat16(v));
        }
        return b.array();
    }

    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] le(long v, int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // ---- GGUF ------------------------------------------------------------------------------------

    /** A GGUF tensor: ggml type id, dims (ne0 first), data. */
    record Gt(String name, int type, long[] ne, byte[] data) {
    }

    /** Writes GGUF v3 from raw KV bytes (key + type + value each) and tensors, aligned to 32. */
    static byte[] gguf(List<byte[]> kvs, Gt... tensors) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(3, 4));
        out.writeBytes(le(tensors.length, 8));
        out.writeBytes(le(kvs.size(), 8));
        kvs.forEach(out::writeBytes);
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Gt t : tensors) {
            out.writeBytes(ggufString(t.name()));
            out.writeBytes(le(t.ne().length, 4));
            for (long n : t.ne()) {
                out.writeBytes(le(n, 8));
            }
            out.writeBytes(le(t.type(), 4));
            out.writeBytes(le(offset, 8));
            offsets.add(offset);
            offset = align(offset + t.data().length);
        }
        pad(out);
        for (Gt t : tensors) {
            out.writeBytes(t.data());
            pad(out);
        }
        return out.toByteArray();
    }

    private static long align(long n) {
        return (n + 31) / 32 * 32;
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 32 != 0) {
            out.write(0);
        }
    }

    static byte[] ggufString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(le(b.length, 8), b);
    }

    static byte[] kvString(String key, String value) {
        return concat(ggufString(key), le(8, 4), ggufString(value));
    }

    static byte[] kvU32(String key, long value) {
        return concat(ggufString(key), le(4, 4), le(value, 4));
    }

    static byte[] kvStrings(String key, List<String> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ggufString(key));
        out.writeBytes(le(9, 4));
        out.writeBytes(le(8, 4));
        out.writeBytes(le(values.size(), 8));
        values.forEach(v -> out.writeBytes(ggufString(v)));
        return out.toByteArray();
    }

    static byte[] kvFloats(String key, float[] values) {
        return concat(ggufString(key), le(9, 4), le(6, 4), le(values.length, 8), f32(values));
    }

    /** Q8_0: per 32 weights, an fp16 scale then 32 int8. */
    static byte[] q8_0(float[] w) {
        ByteBuffer b = ByteBuffer.allocate(w.length / 32 * 34).order(ByteOrder.LITTLE_ENDIAN);
        for (int block = 0; block < w.length / 32; block++) {
            float max = 0;
            for (int i = 0; i < 32; i++) {
                max = Math.max(max, Math.abs(w[block * 32 + i]));
            }
            float d = max / 127f;
            b.putShort(Float.floatToFloat16(d));
            for (int i = 0; i < 32; i++) {
                b.put((byte) (d == 0 ? 0 : Math.round(w[block * 32 + i] / d)));
            }
        }
        return b.array();
    }

    /** Q4_0: per 32 weights, an fp16 scale then 16 bytes of 4-bit values. */
    static byte[] q4_0(float[] w) {
        ByteBuffer b = ByteBuffer.allocate(w.length / 32 * 18).order(ByteOrder.LITTLE_ENDIAN);
        for (int block = 0; block < w.length / 32; block++) {
            float max = 0;
            for (int i = 0; i < 32; i++) {
                float v = w[block * 32 + i];
                if (Math.abs(v) > Math.abs(max)) {
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d == 0 ? 0 : 1 / d;
            b.putShort(Float.floatToFloat16(d));
            for (int i = 0; i < 16; i++) {
                int lo = Math.min(15, (int) (w[block * 32 + i] * id + 8.5f));
                int hi = Math.min(15, (int) (w[block * 32 + 16 + i] * id + 8.5f));
                b.put((byte) (lo | (hi << 4)));
            }
        }
        return b.array();
    }

    // ---- ONNX ------------------------------------------------------------------------------------

    static byte[] pbVarint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    static byte[] pbField(int number, byte[] payload) {
        return concat(pbVarint((long) number << 3 | 2), pbVarint(payload.length), payload);
    }

    static byte[] pbVarintField(int number, long value) {
        return concat(pbVarint((long) number << 3), pbVarint(value));
    }

    /** A TensorProto with dims, data type, name, then the data in {@code dataField} (9 raw, 4 float, 5 int32). */
    static byte[] tensorProto(String name, int dataType, long[] dims, int dataField, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long d : dims) {
            out.writeBytes(pbVarintField(1, d));
        }
        out.writeBytes(pbVarintField(2, dataType));
        if (dataField == 4 || dataField == 5) {
            out.writeBytes(pbField(dataField, data));
            out.writeBytes(pbField(8, name.getBytes(StandardCharsets.UTF_8)));
        } else {
            out.writeBytes(pbField(8, name.getBytes(StandardCharsets.UTF_8)));
            out.writeBytes(pbField(dataField, data));
        }
        return out.toByteArray();
    }

    private TestingModels() {
    }
}
