package io.hartonomous.atom.atomize.model;

/**
 * The ggml tensor types a GGUF file may hold: {@code blockSize} weights stored in
 * {@code typeSize} bytes (1 weight per unit for plain types). Numbering follows ggml's
 * {@code enum ggml_type}; ids ggml retired are absent, and a file using them is refused.
 */
enum GgufType {
    F32(0, 1, 4), F16(1, 1, 2), Q4_0(2, 32, 18), Q4_1(3, 32, 20), Q5_0(6, 32, 22), Q5_1(7, 32, 24),
    Q8_0(8, 32, 34), Q8_1(9, 32, 36), Q2_K(10, 256, 84), Q3_K(11, 256, 110), Q4_K(12, 256, 144),
    Q5_K(13, 256, 176), Q6_K(14, 256, 210), Q8_K(15, 256, 292), IQ2_XXS(16, 256, 66), IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98), IQ1_S(19, 256, 50), IQ4_NL(20, 32, 18), IQ3_S(21, 256, 110), IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136), I8(24, 1, 1), I16(25, 1, 2), I32(26, 1, 4), I64(27, 1, 8), F64(28, 1, 8),
    IQ1_M(29, 256, 56), BF16(30, 1, 2), TQ1_0(34, 256, 54), TQ2_0(35, 256, 66), MXFP4(39, 32, 17);

    final int id;
    final int blockSize;
    final int typeSize;

    GgufType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    static GgufType of(long id) {
        for (GgufType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    boolean quantized() {
        return blockSize > 1;
    }

    /** The ModelLayer quantization name: fp32, fp16, bf16, int8, q4_0, q6_k, … */
    String quantization() {
        return switch (this) {
            case F32 -> "fp32";
            case F16 -> "fp16";
            case F64 -> "fp64";
            case BF16 -> "bf16";
            case I8 -> "int8";
            case I16 -> "int16";
            case I32 -> "int32";
            case I64 -> "int64";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
