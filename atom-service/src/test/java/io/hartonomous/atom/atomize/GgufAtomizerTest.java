package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.TestingModels.Gt;
import io.hartonomous.atom.atomize.model.GgufAtomizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.hartonomous.atom.atomize.TestingModels.concat;
import static io.hartonomous.atom.atomize.TestingModels.le;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufAtomizerTest {

    private final GgufAtomizer atomizer = new GgufAtomizer();

    static byte[] model() {
        var t = TestingModels.minilmTensors();
        float[] norm = t.get("embeddings.LayerNorm.weight").floats();
        float[] ffn = t.get("encoder.layer.0.intermediate.dense.bias").floats();
        float[] qkv = new TestingModels.Tensor("", 1, null, concat(t.get("encoder.layer.0.attention.self.query.bias").data(),
                t.get("encoder.layer.0.attention.self.key.bias").data())).floats();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            tokens.add(i % 50 == 0 ? "a-token-longer-than-fifty-six-bytes-so-it-is-a-level-of-its-own-" + i : "tok" + i);
        }
        byte[] k4 = new byte[2 * 144];
        new Random(7).nextBytes(k4);
        return TestingModels.gguf(List.of(
                        TestingModels.kvString("general.architecture", "bert"),
                        TestingModels.kvString("general.name", "all-MiniLM-L6-v2"),
                        TestingModels.kvU32("general.alignment", 32),
                        TestingModels.kvU32("bert.block_count", 6),
                        TestingModels.kvStrings("tokenizer.ggml.tokens", tokens),
                        TestingModels.kvFloats("tokenizer.ggml.scores", new float[100])),
                new Gt("token_embd_norm.weight", 0, new long[]{384}, TestingModels.f32(norm)),
                new Gt("blk.0.attn_qk.bias", 0, new long[]{384, 2}, TestingModels.f32(qkv)),
                new Gt("blk.0.attn_qk.bias_f16", 1, new long[]{384, 2}, TestingModels.toF16(qkv)),
                new Gt("blk.0.ffn_up.bias_q8", 8, new long[]{1536}, TestingModels.q8_0(ffn)),
                new Gt("blk.0.attn_qk.bias_q4", 2, new long[]{384, 2}, TestingModels.q4_0(qkv)),
                new Gt("blk.0.ffn_down.weight_q4k", 12, new long[]{256, 2}, k4));
    }

    @Test
    void roundTripsAndRecordsPlainAndQuantizedLayers() throws Exception {
        byte[] input = model();
        TestingModelContext context = new TestingModelContext(true);
        var result = TestingTrees.atomize(atomizer, "minilm.gguf", input, context);

        var model = context.models.get(0);
        assertThat(model.format()).isEqualTo("gguf");
        assertThat(model.architecture()).isEqualTo("bert");
        assertThat(model.modelType()).isEqualTo("transformer");
        assertThat(model.parameterCount()).isEqualTo(384 + 768 + 768 + 1536 + 768 + 512);
        assertThat(model.configurationJson()).contains("\"bert.block_count\":6")
                .contains("\"tokenizer.ggml.tokens\":{\"type\":\"string\",\"length\":200}")
                .doesNotContain("tok17");

        assertThat(context.layers).extracting(AtomizeContext.LayerInfo::quantization)
                .containsExactly("fp32", "fp32", "fp16", "q8_0", "q4_0", "q4_k");
        assertThat(context.layer("blk.0.attn_qk.bias").shape()).isEqualTo("[2, 384]");
        // plain types: a coefficient per weight; quantized: one per block
        assertThat(context.coefficients).containsEntry(0, 384L).containsEntry(1, 768L).containsEntry(2, 768L)
                .containsEntry(3, 1536L / 32).containsEntry(4, 768L / 32).containsEntry(5, 2L);
        for (var layer : context.layers) {
            assertThat(context.values.get(layer.index())).allSatisfy(v -> assertThat(result.byHash()).containsKey(v));
            assertThat(result.byHash()).containsKey(layer.tensorRoot());
        }
        // block leaves at block boundaries: Q8_0 34 bytes, Q4_0 18 bytes; Q4_K (144 bytes) is a level
        assertThat(result.byHash().get(context.values.get(3).get(0)).length()).isEqualTo(34);
        assertThat(result.byHash().get(context.values.get(4).get(0)).length()).isEqualTo(18);
        assertThat(result.byHash().get(context.values.get(5).get(0))).isInstanceOf(AtomNode.Composite.class)
                .extracting(AtomNode::length).isEqualTo(144L);
    }

    @Test
    void sharesTensorAtomsWithTheSameWeightsInSafetensors() throws Exception {
        TestingModelContext gguf = new TestingModelContext(false);
        TestingModelContext st = new TestingModelContext(false);
        TestingTrees.atomize(atomizer, "m.gguf", model(), gguf);
        TestingTrees.atomize(new io.hartonomous.atom.atomize.model.SafetensorsAtomizer(), "m.safetensors",
                SafetensorsAtomizerTest.model(""), st);
        assertThat(gguf.layer("token_embd_norm.weight").tensorRoot())
                .isEqualTo(st.layer("embeddings.LayerNorm.weight").tensorRoot());
    }

    @Test
    void refusesABillionTensors() {
        byte[] input = concat("GGUF".getBytes(), le(3, 4), le(1_000_000_000L, 8), le(0, 8), new byte[100]);
        assertThatThrownBy(() -> run(input)).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("claims 1000000000 tensors");
    }

    @Test
    void refusesABillionKeyValuePairs() {
        byte[] input = concat("GGUF".getBytes(), le(3, 4), le(0, 8), le(1_000_000_000L, 8), new byte[100]);
        assertThatThrownBy(() -> run(input)).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("claims 1000000000 key-value pairs");
    }

    @Test
    void refusesAStringLongerThanTheFile() {
        byte[] input = concat("GGUF".getBytes(), le(3, 4), le(0, 8), le(1, 8), le(1L << 40, 8), new byte[100]);
        assertThatThrownBy(() -> run(input)).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("needs 1099511627776 bytes but only 100 remain");
        byte[] value = concat("GGUF".getBytes(), le(3, 4), le(0, 8), le(1, 8),
                TestingModels.ggufString("general.name"), le(8, 4), le(-2L, 8), new byte[50]);
        assertThatThrownBy(() -> run(value)).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("needs 18446744073709551614 bytes");
    }

    @Test
    void refusesAnArrayLongerThanTheFile() {
        byte[] input = concat("GGUF".getBytes(), le(3, 4), le(0, 8), le(1, 8), TestingModels.ggufString("a"),
                le(9, 4), le(8, 4), le(1L << 50, 8), new byte[64]);
        assertThatThrownBy(() -> run(input)).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("claims 1125899906842624 elements");
    }

    @Test
    void refusesUnknownTypesAndTensorsPastTheEnd() {
        byte[] unknown = TestingModels.gguf(List.of(), new Gt("t", 99, new long[]{4}, new byte[16]));
        assertThatThrownBy(() -> run(unknown)).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("unknown ggml type 99");
        byte[] full = model();
        byte[] cut = Arrays.copyOf(full, full.length - 200);
        assertThatThrownBy(() -> run(cut)).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("runs past the end");
    }

    @Test
    void isChosenByMagicNotByName() {
        byte[] input = model();
        Atomizers atomizers = new Atomizers();
        assertThat(atomizers.choose(new Sniff("model.bin", Arrays.copyOf(input, 4096), input.length)))
                .isInstanceOf(GgufAtomizer.class);
        byte[] text = "just some text, not a model\n".repeat(10).getBytes();
        assertThat(atomizers.choose(new Sniff("model.gguf", text, text.length))).isNotInstanceOf(GgufAtomizer.class);
    }

    private void run(byte[] input) throws Exception {
        atomizer.atomize(new ByteArrayInputStream(input), new Sniff("x.gguf", Arrays.copyOf(input, Math.min(4096, input.length)),
                input.length), new TreeWriter(node -> {
        }), new TestingModelContext(false));
    }
}
