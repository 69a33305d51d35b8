package io.hartonomous.atom.atomize;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small but complete model files for the end-to-end tests outside this package, written by
 * {@link TestingModels}: each parses as its format, carries several tensors of random weights
 * (so that its atoms span many ingestion chunks) and is deterministic.
 */
public final class TestingCorpus {

    private TestingCorpus() {
    }

    /** Random floats, the same for the same seed. */
    public static float[] weights(int n, int seed) {
        Random r = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) r.nextGaussian();
        }
        return w;
    }

    /** A safetensors file: metadata, F32, F16 and I8 tensors, about 20 KB. */
    public static byte[] safetensors() {
        float[] w = weights(2048, 11);
        byte[] i8 = new byte[1024];
        new Random(12).nextBytes(i8);
        return TestingModels.safetensors(Map.of("format", "pt"),
                new TestingModels.St("encoder.layer.0.attention.query.weight", "F32", new long[]{32, 64}, TestingModels.f32(w)),
                new TestingModels.St("encoder.layer.0.attention.query.bias_f16", "F16", new long[]{2048},
                        TestingModels.toF16(weights(2048, 13))),
                new TestingModels.St("encoder.layer.0.output.weight_i8", "I8", new long[]{16, 64}, i8),
                new TestingModels.St("scale", "F32", new long[]{}, TestingModels.f32(0.5f)));
    }

    /** A GGUF v3 file: metadata, an F32, an F16 and a Q8_0 tensor, about 20 KB. */
    public static byte[] gguf() {
        return TestingModels.gguf(List.of(
                        TestingModels.kvString("general.architecture", "llama"),
                        TestingModels.kvString("general.name", "hartonomous-test"),
                        TestingModels.kvU32("general.alignment", 32),
                        TestingModels.kvU32("llama.block_count", 1),
                        TestingModels.kvStrings("tokenizer.ggml.tokens", List.of("<s>", "</s>", "hello", "world"))),
                new TestingModels.Gt("token_embd.weight", 0, new long[]{64, 32}, TestingModels.f32(weights(2048, 21))),
                new TestingModels.Gt("blk.0.attn_q.weight", 1, new long[]{64, 16}, TestingModels.toF16(weights(1024, 22))),
                new TestingModels.Gt("blk.0.ffn_up.weight", 8, new long[]{1024}, TestingModels.q8_0(weights(1024, 23))));
    }

    /** An ONNX ModelProto with initializers in each data layout, about 16 KB (not MiniLM: 23 MB is too slow here). */
    public static byte[] onnx() {
        float[] w = weights(2048, 31);
        byte[] graph = TestingModels.concat(
                TestingModels.pbField(1, TestingModels.concat(TestingModels.pbField(1, "x".getBytes(StandardCharsets.UTF_8)),
                        TestingModels.pbField(2, "y".getBytes(StandardCharsets.UTF_8)),
                        TestingModels.pbField(4, "MatMul".getBytes(StandardCharsets.UTF_8)))),
                TestingModels.pbField(2, "main_graph".getBytes(StandardCharsets.UTF_8)),
                TestingModels.pbField(5, TestingModels.tensorProto("dense.weight", 1, new long[]{32, 64}, 9, TestingModels.f32(w))),
                TestingModels.pbField(5, TestingModels.tensorProto("dense.bias", 1, new long[]{64}, 4,
                        TestingModels.f32(weights(64, 32)))),
                TestingModels.pbField(5, TestingModels.tensorProto("s", 1, new long[]{}, 9, TestingModels.f32(0.25f))));
        return TestingModels.concat(TestingModels.pbVarintField(1, 8),
                TestingModels.pbField(2, "pytorch".getBytes(StandardCharsets.UTF_8)),
                TestingModels.pbField(3, "2.4".getBytes(StandardCharsets.UTF_8)),
                TestingModels.pbField(7, graph), TestingModels.pbField(8, TestingModels.pbVarintField(2, 17)));
    }

    /** Little-endian bytes of {@code v}, for hand-written headers. */
    public static byte[] le(long v, int bytes) {
        return TestingModels.le(v, bytes);
    }

    public static byte[] concat(byte[]... parts) {
        return TestingModels.concat(parts);
    }

    public static byte[] ggufString(String s) {
        return TestingModels.ggufString(s);
    }
}
