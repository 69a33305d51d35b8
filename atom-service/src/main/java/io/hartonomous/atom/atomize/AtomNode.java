package io.hartonomous.atom.atomize;

import io.hartonomous.common.hash.ContentHash;

import java.util.List;
import java.util.Objects;

/**
 * One atom as an atomizer emits it. Atomizers emit bottom-up: every child before its parent,
 * the file's root last. Equal content always yields an equal node (determinism is what makes a
 * job resumable by skipping the nodes already committed).
 */
public sealed interface AtomNode permits AtomNode.Leaf, AtomNode.Composite {

    /** Largest content a leaf holds; anything longer is a composite (DESIGN.md invariant 1). */
    int MAX_LEAF = 64;

    ContentHash hash();

    /** Length of the content the atom stands for. */
    long length();

    String modality();

    String subtype();

    /** The atomic value: a leaf's bytes, or a composite's first 64 bytes as preview. */
    byte[] value();

    /** Content of 1..64 bytes kept whole. */
    record Leaf(ContentHash hash, byte[] value, String modality, String subtype) implements AtomNode {
        public Leaf {
            Objects.requireNonNull(hash);
            if (value.length < 1 || value.length > MAX_LEAF) {
                throw new IllegalArgumentException("a leaf holds 1..64 bytes, not " + value.length);
            }
        }

        @Override
        public long length() {
            return value.length;
        }
    }

    /**
     * Content over 64 bytes, rebuilt by concatenating {@code children} in order. At least two
     * children (one child would be the same content, hence the same atom).
     */
    record Composite(ContentHash hash, byte[] value, long length, String modality, String subtype,
                     List<Edge> children) implements AtomNode {
        public Composite {
            Objects.requireNonNull(hash);
            if (length <= MAX_LEAF) {
                throw new IllegalArgumentException("content of " + length + " bytes is a leaf, not a composite");
            }
            if (value.length != MAX_LEAF) {
                throw new IllegalArgumentException("a composite keeps a 64-byte preview");
            }
            if (children.size() < 2) {
                throw new IllegalArgumentException("a composite has at least two children");
            }
            children = List.copyOf(children);
        }
    }

    /** A composition edge: the child at {@code sequence}, with an optional position. */
    record Edge(ContentHash child, long sequence, Position position) {
    }

    /**
     * X column / sequence, Y row / value, Z depth or layer, M Hilbert index of (X, Y, Z)
     * (DESIGN.md invariant 6). Any may be null.
     */
    record Position(Double x, Double y, Double z, Long m) {
        public static final Position NONE = new Position(null, null, null, null);
    }
}
