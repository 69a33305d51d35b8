package io.hartonomous.common.vector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Float32VectorsTest {

    @Test
    void encodesOneAsLittleEndianIeee754() {
        assertThat(HexFormat.of().formatHex(Float32Vectors.encode(new float[]{1.0f}))).isEqualTo("0000803f");
    }

    @Test
    void encodesEachDimensionInOrderInFourBytes() {
        byte[] bytes = Float32Vectors.encode(new float[]{1.0f, -2.0f, 0.5f});

        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("0000803f" + "000000c0" + "0000003f");
        assertThat(Float32Vectors.dimensions(bytes)).isEqualTo(3);
    }

    @Test
    void roundTripsSpecialValuesBitForBit() {
        float[] vector = {
                0.0f, -0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.NaN,
                Float.intBitsToFloat(0x7fc00001),
                Float.intBitsToFloat(0x7f800001),
                Float.intBitsToFloat(0xffc12345),
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
                3.1415927f};

        float[] decoded = Float32Vectors.decode(Float32Vectors.encode(vector));

        assertThat(decoded).hasSameSizeAs(vector);
        for (int i = 0; i < vector.length; i++) {
            assertThat(Float.floatToRawIntBits(decoded[i])).as("dimension %d", i)
                    .isEqualTo(Float.floatToRawIntBits(vector[i]));
        }
    }

    @Test
    void keepsNanPayloadInTheStoredBytes() {
        byte[] bytes = Float32Vectors.encode(new float[]{Float.intBitsToFloat(0x7fc00001)});

        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("0100c07f");
    }

    @Test
    void negativeZeroIsStoredWithItsSignBit() {
        assertThat(HexFormat.of().formatHex(Float32Vectors.encode(new float[]{-0.0f}))).isEqualTo("00000080");
    }

    @Test
    void roundTripsTheEmptyVector() {
        byte[] bytes = Float32Vectors.encode(new float[0]);

        assertThat(bytes).isEmpty();
        assertThat(Float32Vectors.decode(bytes)).isEmpty();
        assertThat(Float32Vectors.dimensions(bytes)).isZero();
    }

    @Test
    void decodesLittleEndianBytes() {
        assertThat(Float32Vectors.decode(HexFormat.of().parseHex("0000803f000000c0"))).containsExactly(1.0f, -2.0f);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 1023})
    void rejectsLengthsThatAreNotAMultipleOfFour(int length) {
        assertThatThrownBy(() -> Float32Vectors.decode(new byte[length]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of 4");
    }
}
