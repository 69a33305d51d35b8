package io.hartonomous.search.inference;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes tiny ONNX models (protobuf by hand): {@code y = MatMul(x, W)} with x float[1, n] and a
 * constant W float[n, m], opset 13.
 */
public final class TestingOnnx {

    private TestingOnnx() {
    }

    public static byte[] matMul(float[][] w) {
        int n = w.length;
        int m = w[0].length;
        ByteBuffer raw = ByteBuffer.allocate(4 * n * m).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : w) {
            for (float f : row) {
                raw.putFloat(f);
            }
        }
        byte[] tensor = concat(varintField(1, n), varintField(1, m), varintField(2, 1), bytesField(8, str("W")), bytesField(9, raw.array()));
        byte[] node = concat(bytesField(1, str("x")), bytesField(1, str("W")), bytesField(2, str("y")), bytesField(3, str("mm")),
                bytesField(4, str("MatMul")));
        byte[] graph = concat(bytesField(1, node), bytesField(2, str("tiny")), bytesField(5, tensor),
                bytesField(11, valueInfo("x", 1, n)), bytesField(12, valueInfo("y", 1, m)));
        byte[] opset = concat(bytesField(1, str("")), varintField(2, 13));
        return concat(varintField(1, 7), bytesField(2, str("hartonomous-test")), bytesField(7, graph), bytesField(8, opset));
    }

    private static byte[] valueInfo(String name, long d0, long d1) {
        byte[] shape = concat(bytesField(1, varintField(1, d0)), bytesField(1, varintField(1, d1)));
        byte[] tensorType = concat(varintField(1, 1), bytesField(2, shape));
        byte[] type = bytesField(1, tensorType);
        return concat(bytesField(1, str(name)), bytesField(2, type));
    }

    private static byte[] str(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] varintField(int field, long value) {
        return concat(varint((long) field << 3), varint(value));
    }

    private static byte[] bytesField(int field, byte[] value) {
        return concat(varint(((long) field << 3) | 2), varint(value.length), value);
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
