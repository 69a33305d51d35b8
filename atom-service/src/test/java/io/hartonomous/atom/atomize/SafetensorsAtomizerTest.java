package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.TestingModels.St;
import io.hartonomous.atom.atomize.model.SafetensorsAtomizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import static io.hartonomous.atom.atomize.TestingModels.concat;
import static io.hartonomous.atom.atomize.TestingModels.f32;
import static io.hartonomous.atom.atomize.TestingModels.le;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsAtomizerTest {

    private final SafetensorsAtomizer atomizer = new SafetensorsAtomizer();

    /** MiniLM weights as F32, F16 and I8 tensors, plus a scalar, a tiny and an empty tensor. */
    static byte[] model(String prefix) {
        var t = TestingModels.minilmTensors();
        byte[] norm = t.get("embeddings.LayerNorm.weight").data();
        byte[] bias = concat(t.get("encoder.layer.0.attention.self.query.bias").data(),
                t.get("encoder.layer.0.attention.self.key.bias").data(),
                t.get("encoder.layer.0.attention.self.value.bias").data());
        TestingModels.Tensor int8 = t.values().stream().filter(x -> x.dataType() == 3 && x.dims().length == 2).findFirst()
                .orElseThrow();
        return TestingModels.safetensors(Map.of("format", "pt", "architecture", "BertModel"),
                new St(prefix + "embeddings.LayerNorm.weight", "F32", new long[]{384}, norm),
                new St(prefix + "encoder.layer.0.attention.qkv.bias", "F32", new long[]{3, 384}, bias),
                new St(prefix + "encoder.layer.0.attention.qkv.bias_f16", "F16", new long[]{3, 384},
                        TestingModels.toF16(new TestingModels.Tensor("", 1, null, bias).floats())),
                new St(prefix + "encoder.layer.0.intermediate.weight_i8", "I8", new long[]{16, int8.dims()[1]},
                        Arrays.copyOf(int8.data(), (int) (16 * int8.dims()[1]))),
                new St(prefix + "scale", "F32", new long[]{}, f32(0.5f)),
                new St(prefix + "tiny", "F32", new long[]{2, 3}, f32(1, 2, 3, 4, 5, 6)),
                new St(prefix + "empty", "F32", new long[]{0, 4}, new byte[0]));
    }

    @Test
    void roundTripsAndRecordsLayersAndCoefficients() throws Exception {
        byte[] input = model("");
        TestingModelContext context = new TestingModelContext(true);
        var result = TestingTrees.atomize(atomizer, "minilm.safetensors", input, context);

        assertThat(context.models).singleElement().satisfies(m -> {
            assertThat(m.format()).isEqualTo("safetensors");
            assertThat(m.modelType()).isEqualTo("transformer");
            assertThat(m.architecture()).isEqualTo("BertModel");
            assertThat(m.configurationJson()).contains("\"format\":\"pt\"");
        });
        assertThat(context.layers).hasSize(7);
        var qkv = context.layer("encoder.layer.0.attention.qkv.bias");
        assertThat(qkv.shape()).isEqualTo("[3, 384]");
        assertThat(qkv.quantization()).isEqualTo("fp32");
        assertThat(qkv.layerType()).isEqualTo("attention");
        assertThat(context.layer("encoder.layer.0.attention.qkv.bias_f16").quantization()).isEqualTo("fp16");
        assertThat(context.layer("encoder.layer.0.intermediate.weight_i8").quantization()).isEqualTo("int8");
        assertThat(context.layer("embeddings.LayerNorm.weight").layerType()).isEqualTo("normalization");
        long parameters = context.layers.stream().mapToLong(AtomizeContext.LayerInfo::elementCount).sum();
        assertThat(context.models.get(0).parameterCount()).isEqualTo(parameters);

        for (var layer : context.layers) {
            assertThat(context.coefficients.getOrDefault(layer.index(), 0L)).as(layer.name()).isEqualTo(layer.elementCount());
            // every coefficient points at an emitted atom, and every tensor atom was emitted
            assertThat(context.values.getOrDefault(layer.index(), java.util.List.of()))
                    .allSatisfy(v -> assertThat(result.byHash()).containsKey(v));
            if (layer.tensorRoot() != null) {
                assertThat(result.byHash()).containsKey(layer.tensorRoot());
            }
        }
        // a value's leaf is its raw bytes: float32 = 4 bytes, fp16 = 2, int8 = 1
        assertThat(result.byHash().get(context.values.get(qkv.index()).get(0)).length()).isEqualTo(4);
        assertThat(context.layer("scale").tensorRoot()).isNotNull();
        assertThat(context.layer("tiny").tensorRoot()).isNull();
        assertThat(result.nodes()).allMatch(n -> n instanceof AtomNode.Leaf || n.length() > 64);
    }

    @Test
    void identicalWeightsInTwoModelsAreTheSameAtoms() throws Exception {
        TestingModelContext a = new TestingModelContext(true);
        TestingModelContext b = new TestingModelContext(true);
        TestingTrees.atomize(atomizer, "a.safetensors", model(""), a);
        TestingTrees.atomize(atomizer, "b.safetensors", model("bert."), b);
        var la = a.layer("encoder.layer.0.attention.qkv.bias");
        var lb = b.layer("bert.encoder.layer.0.attention.qkv.bias");
        assertThat(la.tensorRoot()).isEqualTo(lb.tensorRoot());
        assertThat(a.values.get(la.index())).isEqualTo(b.values.get(lb.index()));
    }

    @Test
    void isChosenBySignatureNotByName() {
        Atomizers atomizers = new Atomizers();
        byte[] input = model("");
        Sniff real = new Sniff("weights.bin", Arrays.copyOf(input, 4096), input.length);
        assertThat(atomizers.choose(real)).isInstanceOf(SafetensorsAtomizer.class);
        byte[] random = new byte[5000];
        new java.util.Random(3).nextBytes(random);
        Sniff lying = new Sniff("weights.safetensors", Arrays.copyOf(random, 4096), random.length);
        assertThat(atomizers.choose(lying)).isNotInstanceOf(SafetensorsAtomizer.class);
    }

    @Test
    void refusesAHeaderLengthOfOneTerabyteBeforeAllocating() {
        byte[] input = concat(le(1L << 40, 8), "{\"a\":1}".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> run(input))
                .isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("header claims 1099511627776 bytes");
    }

    @Test
    void refusesTruncatedHeaderJson() {
        byte[] json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_".getBytes(StandardCharsets.US_ASCII);
        byte[] input = concat(le(json.length, 8), json);
        assertThatThrownBy(() -> run(input))
                .isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("JSON header does not parse");
    }

    @Test
    void refusesDataOffsetsPastTheEndOfTheFile() {
        byte[] json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1000000],\"data_offsets\":[0,4000000]}}"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] input = concat(le(json.length, 8), json, f32(1, 2));
        assertThatThrownBy(() -> run(input))
                .isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("tensor a has data_offsets [0, 4000000] outside the 8 bytes of data");
    }

    @Test
    void refusesASizeThatDoesNotMatchTheShape() {
        byte[] json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}".getBytes(StandardCharsets.US_ASCII);
        byte[] input = concat(le(json.length, 8), json, f32(1, 2));
        assertThatThrownBy(() -> run(input))
                .isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("needs 12 bytes, but its data_offsets span 8");
    }

    @Test
    void refusesATruncatedFile() {
        byte[] full = model("");
        byte[] cut = Arrays.copyOf(full, full.length - 1000);
        assertThatThrownBy(() -> run(cut))
                .isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("outside the");
    }

    private void run(byte[] input) throws Exception {
        TreeWriter tree = new TreeWriter(node -> {
        });
        atomizer.atomize(new ByteArrayInputStream(input), new Sniff("x.safetensors", input, input.length), tree,
                new TestingModelContext(false));
    }
}
