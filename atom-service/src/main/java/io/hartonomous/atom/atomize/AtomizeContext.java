package io.hartonomous.atom.atomize;

import io.hartonomous.common.hash.ContentHash;

/**
 * What an atomizer can record besides the tree. Everything recorded is stored when the job
 * completes (atoms referenced here must be emitted through the job's {@link TreeWriter}).
 * Recording must be deterministic, like emission: a resumed job re-runs the atomizer.
 */
public interface AtomizeContext {

    /**
     * A second view of the input emitted in the same tree stream (e.g. the decoded raster of a
     * PNG, DESIGN.md invariant 4): it is pinned with the job and linked from the input's root by a
     * relation of {@code relationType} (e.g. {@code decodes_to}).
     */
    void derivedRoot(TreeWriter.Ref root, String relationType);

    /**
     * A document inside the input (a file of a tar archive), emitted as a subtree of the input's
     * tree: it is pinned with the job as a root of its own, named {@code <input name>/<name>}, so
     * that it is listed and searched like an ingested file.
     */
    default void entryRoot(TreeWriter.Ref root, String name) {
    }

    /**
     * Batch only: whether the batch's file number {@code ordinal} (0-based, in archive order) is
     * content the job pins without atomizing it again — the tenant had it when the job first looked.
     * Such a file is read and hashed only, and reported to {@link #skippedEntry} instead of
     * {@link #entryRoot}. Must answer the same on every run of the job, like emission.
     */
    default boolean skipEntry(long ordinal) {
        return false;
    }

    /** Batch only: a file read and hashed but not atomized (see {@link #skipEntry}). */
    default void skippedEntry(long ordinal, String name, ContentHash hash, long size) {
        throw new IllegalStateException("a batch file was skipped without a context that skips");
    }

    /** A semantic relation between two emitted atoms (e.g. a commit {@code derives_from} its parent). */
    void relation(ContentHash source, ContentHash target, String relationType, Double weight);

    /**
     * The input is an AI model: its description (a {@code dbo.Model} row, unique per tenant and
     * name). Call once, before any {@link #layer}.
     */
    default void model(ModelInfo model) {
    }

    /** One tensor of the model (a {@code dbo.ModelLayer} row); {@code tensorRoot} is its emitted atom. */
    default void layer(LayerInfo layer) {
    }

    /**
     * One weight of a layer at a tensor position (a {@code dbo.TensorAtomCoefficient} row), its value
     * being the emitted atom {@code value}. Streamed: stored with the chunk that is being filled, so
     * call it right after emitting the value's leaf. Skipped when the job asks for no coefficients.
     */
    default void coefficient(int layerIndex, int x, int y, Integer z, ContentHash value) {
    }

    /** Whether {@link #coefficient} rows are wanted (a job option may turn them off for huge models). */
    default boolean wantsCoefficients() {
        return false;
    }

    /** Model description: format is safetensors, gguf or onnx. */
    record ModelInfo(String format, String modelType, String architecture, Long parameterCount, String configurationJson) {
    }

    /**
     * A tensor: index in file order, name, type (attention, feed-forward, embedding, normalization,
     * other), shape like {@code [384, 1536]}, quantization (fp32, fp16, bf16, int8, q4_0, …) and its
     * scale when the format has one, element count, and the hash of the tensor's emitted atom.
     */
    record LayerInfo(int index, String name, String layerType, String shape, String quantization, Float quantizationScale,
                     long elementCount, ContentHash tensorRoot) {
    }

    /**
     * The context of content atomized inside another input (a blob of a repository, a file of an
     * archive): relations pass through to {@code outer}; a second view cannot be declared from
     * inside (it would land inside the outer tree), so it fails with {@code refusal}.
     */
    static AtomizeContext nestedIn(AtomizeContext outer, String refusal) {
        return new AtomizeContext() {
            @Override
            public void derivedRoot(TreeWriter.Ref root, String relationType) {
                throw new IllegalStateException(refusal);
            }

            @Override
            public void relation(ContentHash source, ContentHash target, String relationType, Double weight) {
                outer.relation(source, target, relationType, weight);
            }
        };
    }

    /** Recording nothing: for tests and atomizers used inside others. */
    AtomizeContext NONE = new AtomizeContext() {
        @Override
        public void derivedRoot(TreeWriter.Ref root, String relationType) {
        }

        @Override
        public void relation(ContentHash source, ContentHash target, String relationType, Double weight) {
        }
    };
}
