package io.hartonomous.common.vector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one storage form of a vector in every dialect: IEEE-754 float32, little-endian, 4 bytes a
 * dimension, no header (DESIGN.md "Databases"). NaN payloads and negative zero round-trip
 * bit for bit.
 */
public final class Float32Vectors {

    private Float32Vectors() {
    }

    public static byte[] encode(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    /**
     * @throws IllegalArgumentException when the length is not a multiple of 4
     */
    public static float[] decode(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("float32 vector bytes must be a multiple of 4, not " + bytes.length);
        }
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    public static int dimensions(byte[] bytes) {
        return bytes.length / Float.BYTES;
    }
}
