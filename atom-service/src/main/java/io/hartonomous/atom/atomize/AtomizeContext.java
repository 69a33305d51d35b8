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

    /** A semantic relation between two emitted atoms (e.g. a commit {@code derives_from} its parent). */
    void relation(ContentHash source, ContentHash target, String relationType, Double weight);

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
