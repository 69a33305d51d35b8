package io.hartonomous.search.embed;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * all-MiniLM-L6-v2 (quantized ONNX, 384 dimensions, mean pooling) in process through ONNX
 * Runtime. Vectors come out L2-normalized, so a dot product is their cosine. Thread-safe; a batch
 * is spread over the given executor.
 */
public final class MiniLm {

    public static final int DIMENSIONS = 384;
    /** The seed copy's resource names inside the langchain4j artifact. */
    public static final String ONNX_RESOURCE = "/all-minilm-l6-v2-q.onnx";
    public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";

    private final EmbeddingModel model;

    private MiniLm(EmbeddingModel model) {
        this.model = model;
    }

    /** The jar's copy. */
    public static MiniLm fromJar(Executor executor) {
        return new MiniLm(new AllMiniLmL6V2QuantizedEmbeddingModel(executor));
    }

    /** A copy rebuilt elsewhere (the store), with the jar's tokenizer. */
    public static MiniLm fromFile(Path onnx, Executor executor) {
        try {
            Path tokenizer = Files.createTempFile("minilm-tokenizer", ".json");
            tokenizer.toFile().deleteOnExit();
            try (InputStream in = MiniLm.class.getResourceAsStream(TOKENIZER_RESOURCE)) {
                Files.copy(in, tokenizer, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return new MiniLm(new OnnxEmbeddingModel(onnx, tokenizer, PoolingMode.MEAN, executor));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedding model", e);
        }
    }

    /** The seed file's bytes. */
    public static byte[] seedBytes() {
        try (InputStream in = MiniLm.class.getResourceAsStream(ONNX_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(ONNX_RESOURCE + " is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public float[] embed(String text) {
        return normalize(model.embed(text.isBlank() ? "." : text).content().vector());
    }

    /** One vector per text, in order. */
    public List<float[]> embedAll(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String t : texts) {
            segments.add(TextSegment.from(t.isBlank() ? "." : t));
        }
        List<Embedding> out = model.embedAll(segments).content();
        List<float[]> vectors = new ArrayList<>(out.size());
        for (Embedding e : out) {
            vectors.add(normalize(e.vector()));
        }
        return vectors;
    }

    static float[] normalize(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f * f;
        }
        if (s == 0) {
            return v;
        }
        float inv = (float) (1 / Math.sqrt(s));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }
}
