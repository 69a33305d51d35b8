package io.hartonomous.atom.atomize;

import io.hartonomous.common.hash.ContentHash;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs an atomizer in memory and rebuilds content from its nodes, checking the tree's invariants. */
final class TestingTrees {

    record Result(List<AtomNode> nodes, TreeWriter.Ref root, Map<ContentHash, AtomNode> byHash) {
        byte[] rebuild() {
            return rebuild(root.hash());
        }

        /** Rebuilds any emitted atom, e.g. a derived view's root. */
        byte[] rebuild(ContentHash hash) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            write(hash, out);
            return out.toByteArray();
        }

        private void write(ContentHash hash, ByteArrayOutputStream out) {
            AtomNode n = byHash.get(hash);
            assertThat(n).as("node " + hash + " emitted").isNotNull();
            if (n instanceof AtomNode.Leaf l) {
                out.writeBytes(l.value());
            } else {
                for (AtomNode.Edge e : ((AtomNode.Composite) n).children()) {
                    write(e.child(), out);
                }
            }
        }
    }

    static Result atomize(Atomizer atomizer, String name, byte[] input) throws IOException {
        return atomize(atomizer, name, input, AtomizeContext.NONE);
    }

    /** As {@link #atomize(Atomizer, String, byte[])}, recording derived views and relations in {@code context}. */
    static Result atomize(Atomizer atomizer, String name, byte[] input, AtomizeContext context) throws IOException {
        List<AtomNode> nodes = new ArrayList<>();
        Map<ContentHash, AtomNode> byHash = new HashMap<>();
        TreeWriter tree = new TreeWriter(node -> {
            for (AtomNode.Edge e : node instanceof AtomNode.Composite c ? c.children() : List.<AtomNode.Edge>of()) {
                assertThat(byHash).as("children before parents").containsKey(e.child());
            }
            nodes.add(node);
            byHash.putIfAbsent(node.hash(), node);
        });
        Sniff sniff = new Sniff(name, java.util.Arrays.copyOf(input, Math.min(4096, input.length)), input.length);
        atomizer.atomize(new ByteArrayInputStream(input), sniff, tree, context);
        TreeWriter.Ref root = tree.finish();
        Result result = new Result(nodes, root, byHash);
        assertThat(root.hash()).isEqualTo(ContentHash.sha256(input));
        assertThat(root.length()).isEqualTo(input.length);
        assertThat(nodes.get(nodes.size() - 1).hash()).as("root emitted last").isEqualTo(root.hash());
        for (AtomNode n : nodes) {
            if (n instanceof AtomNode.Composite c) {
                long sum = 0;
                for (AtomNode.Edge e : c.children()) {
                    sum += byHash.get(e.child()).length();
                }
                assertThat(sum).as("composite length = sum of children").isEqualTo(c.length());
            }
        }
        assertThat(result.rebuild()).isEqualTo(input);
        return result;
    }

    /**
     * For inputs whose tree is too big to keep: runs the atomizer keeping only the distinct hashes,
     * and checks children before parents, leaf sizes, the root (SHA-256 of the input) and length.
     *
     * @return the number of distinct atoms
     */
    static long atomizeStreaming(Atomizer atomizer, String name, byte[] input, AtomizeContext context) throws IOException {
        java.util.Set<ContentHash> seen = new java.util.HashSet<>();
        TreeWriter tree = new TreeWriter(node -> {
            if (node instanceof AtomNode.Composite c) {
                for (AtomNode.Edge e : c.children()) {
                    if (!seen.contains(e.child())) {
                        throw new AssertionError("child " + e.child() + " emitted after its parent");
                    }
                }
            }
            seen.add(node.hash());
        });
        Sniff sniff = new Sniff(name, java.util.Arrays.copyOf(input, Math.min(4096, input.length)), input.length);
        atomizer.atomize(new ByteArrayInputStream(input), sniff, tree, context);
        TreeWriter.Ref root = tree.finish();
        assertThat(root.hash()).isEqualTo(ContentHash.sha256(input));
        assertThat(root.length()).isEqualTo(input.length);
        return seen.size();
    }

    private TestingTrees() {
    }
}
