package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.binary.BinaryAtomizer;
import io.hartonomous.common.hash.ContentHash;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BinaryAtomizerTest {

    private final BinaryAtomizer binary = new BinaryAtomizer();

    @Test
    void roundTripsRandomBytes() throws Exception {
        for (int size : new int[]{1, 63, 64, 65, 4096, 300_000}) {
            byte[] input = new byte[size];
            new Random(size).nextBytes(input);
            var result = TestingTrees.atomize(binary, "x.bin", input);
            assertThat(result.nodes()).allMatch(n -> n instanceof AtomNode.Leaf || n.length() > 64);
        }
    }

    @Test
    void insertionNearTheStartKeepsMostChunks() throws Exception {
        byte[] input = new byte[1_000_000];
        new Random(1).nextBytes(input);
        byte[] shifted = new byte[input.length + 7];
        System.arraycopy(input, 0, shifted, 0, 1000);
        System.arraycopy(input, 1000, shifted, 1007, input.length - 1000);
        Set<ContentHash> a = chunks(TestingTrees.atomize(binary, "a", input));
        Set<ContentHash> b = chunks(TestingTrees.atomize(binary, "b", shifted));
        Set<ContentHash> shared = new HashSet<>(a);
        shared.retainAll(b);
        assertThat((double) shared.size() / a.size()).isGreaterThan(0.95);
    }

    @Test
    void repeatedContentDeduplicates() throws Exception {
        byte[] block = new byte[50_000];
        new Random(3).nextBytes(block);
        byte[] input = new byte[block.length * 10];
        for (int i = 0; i < 10; i++) {
            System.arraycopy(block, 0, input, i * block.length, block.length);
        }
        var result = TestingTrees.atomize(binary, "r", input);
        long distinctLeafBytes = result.byHash().values().stream().filter(n -> n instanceof AtomNode.Leaf)
                .mapToLong(AtomNode::length).sum();
        assertThat(distinctLeafBytes).isLessThan(input.length / 5);
    }

    private static Set<ContentHash> chunks(TestingTrees.Result r) {
        Set<ContentHash> out = new HashSet<>();
        r.nodes().stream().filter(n -> "chunk".equals(n.subtype())).forEach(n -> out.add(n.hash()));
        return out;
    }
}
