package io.hartonomous.atom.atomize;

import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.hash.Sha256;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Builds an atom tree while the input streams through, so atomizers only say where structure
 * begins and ends. Each open composite hashes the bytes that flow under it; a level whose content
 * turns out to be at most 64 bytes becomes one leaf, and a level with a single child is that
 * child. Leaves are held back until their level closes (at most one level's direct leaves are
 * in memory), so nothing is emitted that the tree does not keep.
 */
public final class TreeWriter {

    private final AtomSink sink;
    private final Deque<Level> open = new ArrayDeque<>();

    public TreeWriter(AtomSink sink) {
        this.sink = sink;
    }

    /** The result of closing a level or writing a leaf: the atom, as its parent will point at it. */
    public record Ref(ContentHash hash, long length) {
    }

    private static final class Level {
        String modality;
        String subtype;
        final Sha256 sha = new Sha256();
        final byte[] preview = new byte[AtomNode.MAX_LEAF];
        long length;
        List<Pending> children = new ArrayList<>();

        Level open(String modality, String subtype) {
            this.modality = modality;
            this.subtype = subtype;
            return this;
        }

        /** Forgets the closed level's content, so the object can serve the next level opened. */
        void clear() {
            sha.reset();
            length = 0;
            if (children.size() > 4096) {
                children = new ArrayList<>(); // a wide level's array is not kept for the narrow ones after it
            } else {
                children.clear();
            }
        }
    }

    /**
     * Closed levels kept for the next ones opened (at most the deepest nesting seen): a text opens a
     * level per line, and a new digest and buffers per line were a visible part of atomizing.
     */
    private final Deque<Level> spare = new ArrayDeque<>();

    /** A child of an open level: a leaf not yet emitted, or a reference to an emitted atom. */
    private record Pending(AtomNode.Leaf leaf, Ref ref, AtomNode.Position position) {
        ContentHash hash() {
            return leaf != null ? leaf.hash() : ref.hash();
        }

        long length() {
            return leaf != null ? leaf.length() : ref.length();
        }
    }

    /** Opens a composite under the current one (or the root). */
    public void open(String modality, String subtype) {
        Level level = spare.isEmpty() ? new Level() : spare.pop();
        open.push(level.open(modality, subtype));
    }

    public int depth() {
        return open.size();
    }

    /** Number of children of the innermost open level. */
    public int childCount() {
        return open.isEmpty() ? 0 : open.peek().children.size();
    }

    /** Bytes under the innermost open level so far. */
    public long openLength() {
        return open.isEmpty() ? 0 : open.peek().length;
    }

    /**
     * Adds content of 1..64 bytes as a leaf child of the innermost open level.
     *
     * @throws IllegalArgumentException when the length is outside 1..64
     */
    public Ref leaf(byte[] bytes, int offset, int length, String modality, String subtype, AtomNode.Position position)
            throws IOException {
        if (open.isEmpty()) {
            throw new IllegalStateException("open a level before adding leaves");
        }
        byte[] value = Arrays.copyOfRange(bytes, offset, offset + length);
        AtomNode.Leaf leaf = new AtomNode.Leaf(ContentHash.sha256(value), value, modality, subtype);
        feed(bytes, offset, length);
        open.peek().children.add(new Pending(leaf, null, position));
        return new Ref(leaf.hash(), length);
    }

    public Ref leaf(byte[] bytes, int offset, int length, String modality, String subtype) throws IOException {
        return leaf(bytes, offset, length, modality, subtype, AtomNode.Position.NONE);
    }

    /** Writes any number of bytes as 64-byte leaves under the innermost open level. */
    public void bytes(byte[] bytes, int offset, int length, String modality, String subtype) throws IOException {
        for (int i = 0; i < length; i += AtomNode.MAX_LEAF) {
            leaf(bytes, offset + i, Math.min(AtomNode.MAX_LEAF, length - i), modality, subtype);
        }
    }

    /**
     * Closes the innermost level and adds the result to its parent (if any).
     *
     * @return the atom the level became, or null if it received no content
     */
    public Ref close() throws IOException {
        return close(AtomNode.Position.NONE);
    }

    /** As {@link #close()}, placing the result at {@code position} in its parent. */
    public Ref close(AtomNode.Position position) throws IOException {
        Level level = open.pop();
        Pending result = collapse(level, position);
        level.clear();
        spare.push(level);
        if (result == null) {
            return null;
        }
        if (open.isEmpty()) {
            if (result.leaf() != null) {
                sink.accept(result.leaf()); // a whole input of at most 64 bytes
            }
        } else {
            open.peek().children.add(result);
        }
        return new Ref(result.hash(), result.length());
    }

    /** Closes every open level; returns the outermost one's atom (the root). */
    public Ref finish() throws IOException {
        Ref last = null;
        while (!open.isEmpty()) {
            last = close();
        }
        return last;
    }

    /**
     * Turns a closed level into what its parent holds: a leaf still held back (content of at most
     * 64 bytes, or a lone leaf child), or a reference to an emitted atom.
     */
    private Pending collapse(Level level, AtomNode.Position position) throws IOException {
        if (level.children.isEmpty()) {
            return null;
        }
        if (level.children.size() == 1) {
            Pending only = level.children.get(0);
            return new Pending(only.leaf(), only.ref(), position);
        }
        ContentHash hash = level.sha.finish();
        if (level.length <= AtomNode.MAX_LEAF) {
            // small enough to be one leaf; its children are all held-back leaves and are dropped
            byte[] value = Arrays.copyOf(level.preview, (int) level.length);
            return new Pending(new AtomNode.Leaf(hash, value, level.modality, level.subtype), null, position);
        }
        List<AtomNode.Edge> edges = new ArrayList<>(level.children.size());
        long sequence = 0;
        for (Pending child : level.children) {
            if (child.leaf() != null) {
                sink.accept(child.leaf());
            }
            edges.add(new AtomNode.Edge(child.hash(), sequence++, child.position()));
        }
        sink.accept(new AtomNode.Composite(hash, level.preview.clone(), level.length, level.modality, level.subtype, edges));
        return new Pending(null, new Ref(hash, level.length), position);
    }

    private void feed(byte[] bytes, int offset, int length) {
        for (Level level : open) {
            if (level.length < AtomNode.MAX_LEAF) {
                int n = (int) Math.min(length, AtomNode.MAX_LEAF - level.length);
                System.arraycopy(bytes, offset, level.preview, (int) level.length, n);
            }
            level.sha.update(bytes, offset, length);
            level.length += length;
        }
    }
}
