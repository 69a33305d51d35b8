package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.model.OnnxAtomizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.hartonomous.atom.atomize.TestingModels.concat;
import static io.hartonomous.atom.atomize.TestingModels.pbField;
import static io.hartonomous.atom.atomize.TestingModels.pbVarintField;
import static io.hartonomous.atom.atomize.TestingModels.tensorProto;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnnxAtomizerTest {

    private final OnnxAtomizer atomizer = new OnnxAtomizer();

    @Test
    void atomizesTheRealMiniLmModelLosslessly() throws Exception {
        byte[] input = TestingModels.minilm();
        TestingModelContext context = new TestingModelContext(false);
        long atoms = TestingTrees.atomizeStreaming(atomizer, TestingModels.MINILM_RESOURCE, input, context);

        var model = context.models.get(0);
        assertThat(model.format()).isEqualTo("onnx");
        assertThat(model.modelType()).isEqualTo("transformer");
        assertThat(model.configurationJson()).contains("\"producer_name\":\"onnx.quantize\"").contains("\"ir_version\":6");
        assertThat(context.layers).hasSize(180);
        assertThat(context.layer("encoder.layer.0.attention.self.query.bias").shape()).isEqualTo("[384]");
        long elements = context.layers.stream().mapToLong(AtomizeContext.LayerInfo::elementCount).sum();
        assertThat(elements).isGreaterThan(20_000_000);
        assertThat(context.coefficientCount).isEqualTo(elements);
        assertThat(context.layers.stream().map(AtomizeContext.LayerInfo::quantization).distinct())
                .contains("fp32", "int8", "uint8", "int64");
        // int8 weights: few distinct values, so far fewer atoms than weights
        assertThat(atoms).isLessThan(elements / 10);
    }

    /** A small ModelProto: ir_version, producer, graph (a node, name, initializers of each data layout), opset. */
    static byte[] model(float[] weights) {
        byte[] node = pbField(1, concat(pbField(1, "x".getBytes()), pbField(2, "y".getBytes()),
                pbField(4, "MultiHeadAttention".getBytes())));
        byte[] raw = tensorProto("encoder.layer.0.attention.self.query.weight", 1, new long[]{4, weights.length / 4}, 9,
                TestingModels.f32(weights));
        byte[] floats = tensorProto("encoder.layer.0.output.LayerNorm.weight", 1, new long[]{weights.length}, 4,
                TestingModels.f32(weights));
        byte[] ints = tensorProto("zero_point", 6, new long[]{3}, 5, concat(TestingModels.pbVarint(1),
                TestingModels.pbVarint(300), TestingModels.pbVarint(-1)));
        byte[] scalar = tensorProto("s", 1, new long[]{}, 9, TestingModels.f32(0.25f));
        byte[] graph = concat(node, pbField(2, "main_graph".getBytes(StandardCharsets.UTF_8)),
                pbField(5, raw), pbField(5, floats), pbField(5, ints), pbField(5, scalar),
                pbField(11, "input-value-info".repeat(10).getBytes()));
        return concat(pbVarintField(1, 8), pbField(2, "pytorch".getBytes()), pbField(3, "2.4".getBytes()),
                pbField(7, graph), pbField(8, pbVarintField(2, 17)));
    }

    static float[] weights(int n, int seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) r.nextGaussian();
        }
        return w;
    }

    @Test
    void roundTripsEachDataLayoutAndRecordsValues() throws Exception {
        byte[] input = model(weights(256, 1));
        TestingModelContext context = new TestingModelContext(true);
        var result = TestingTrees.atomize(atomizer, "m.onnx", input, context);
        assertThat(context.models.get(0).architecture()).isEqualTo("main_graph");
        assertThat(context.models.get(0).modelType()).isEqualTo("transformer");
        assertThat(context.layers).extracting(AtomizeContext.LayerInfo::name).containsExactly(
                "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.output.LayerNorm.weight", "zero_point", "s");
        assertThat(context.layer("encoder.layer.0.attention.self.query.weight").shape()).isEqualTo("[4, 64]");
        assertThat(context.coefficients).containsEntry(0, 256L).containsEntry(1, 256L).containsEntry(2, 3L).containsEntry(3, 1L);
        for (var layer : context.layers) {
            assertThat(context.values.get(layer.index())).allSatisfy(v -> assertThat(result.byHash()).containsKey(v));
        }
        // raw_data and float_data of the same weights are the same tensor atom
        assertThat(context.layers.get(0).tensorRoot()).isEqualTo(context.layers.get(1).tensorRoot());
    }

    @Test
    void refusesAVarintThatOverflows() {
        byte[] input = concat(new byte[]{0x08, 0x06, 0x12}, new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}, new byte[40]);
        assertThatThrownBy(() -> run(input)).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("longer than 10 bytes");
    }

    @Test
    void refusesALengthBeyondTheFile() {
        byte[] input = concat(pbVarintField(1, 8), TestingModels.pbVarint(7 << 3 | 2), TestingModels.pbVarint(1L << 40),
                new byte[100]);
        assertThatThrownBy(() -> run(input)).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("field 7 claims 1099511627776 bytes, more than the 100 left");
    }

    @Test
    void refusesATruncatedModel() {
        byte[] full = model(weights(256, 2));
        byte[] cut = Arrays.copyOf(full, full.length - 40);
        assertThatThrownBy(() -> run(cut)).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("claims");
    }

    @Test
    void isChosenByProtobufStructureNotByName() {
        byte[] input = model(weights(64, 3));
        Atomizers atomizers = new Atomizers();
        assertThat(atomizers.choose(new Sniff("model.pb", input, input.length))).isInstanceOf(OnnxAtomizer.class);
        byte[] random = new byte[3000];
        new java.util.Random(5).nextBytes(random);
        random[0] = 0x08;
        random[1] = 0x07;
        assertThat(atomizers.choose(new Sniff("model.onnx", random, random.length))).isNotInstanceOf(OnnxAtomizer.class);
    }

    private void run(byte[] input) throws Exception {
        atomizer.atomize(new ByteArrayInputStream(input), new Sniff("x.onnx", input, input.length),
                new TreeWriter(node -> {
                }), new TestingModelContext(false));
    }
}
