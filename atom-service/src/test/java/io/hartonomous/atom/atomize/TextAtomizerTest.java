package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.text.TextAtomizer;
import io.hartonomous.common.hash.ContentHash;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class TextAtomizerTest {

    private final TextAtomizer text = new TextAtomizer();

    @Test
    void roundTripsRealDocumentationByteForByte() throws Exception {
        Path doc = Path.of("/usr/share/common-licenses/GPL-3");
        byte[] input = Files.exists(doc) ? Files.readAllBytes(doc)
                : "The licenses for most software are designed to take away your freedom.\n".repeat(500).getBytes();
        var result = TestingTrees.atomize(text, "GPL-3.txt", input);
        assertThat(result.nodes()).anyMatch(n -> "token".equals(n.subtype()));
        assertThat(result.nodes()).anyMatch(n -> "line".equals(n.subtype()));
        assertThat(result.nodes()).allMatch(n -> n.modality().equals("text"));
    }

    @Test
    void repeatedLinesAndParagraphsDeduplicateAsWholeSubtrees() throws Exception {
        String paragraph = "A paragraph line that is definitely longer than sixty-four bytes, so it is a composite.\n"
                + "Another such line follows it, also comfortably longer than the sixty-four byte leaf limit.\n\n";
        byte[] input = paragraph.repeat(50).getBytes(StandardCharsets.UTF_8);
        var result = TestingTrees.atomize(text, "p.txt", input);
        Set<ContentHash> distinct = result.nodes().stream().map(AtomNode::hash).collect(Collectors.toSet());
        // 50 repetitions cost (almost) nothing: a few hundred distinct atoms at most
        assertThat(distinct.size()).isLessThan(200);
    }

    @Test
    void invalidUtf8RoundTripsAsBytes() throws Exception {
        byte[] input = new byte[5000];
        new Random(7).nextBytes(input);
        for (int i = 0; i < input.length; i += 70) {
            input[i] = '\n';
        }
        var result = TestingTrees.atomize(text, "noise.txt", input);
        assertThat(result.nodes()).anyMatch(n -> "bytes".equals(n.subtype()));
    }

    @Test
    void veryLongLineIsCutAndStillRoundTrips() throws Exception {
        byte[] input = "word ".repeat(40_000).getBytes(StandardCharsets.UTF_8); // 200 KB, no newline
        TestingTrees.atomize(text, "long.txt", input);
    }

    @Test
    void smallInputIsOneLeaf() throws Exception {
        var result = TestingTrees.atomize(text, "hi.txt", "hello\n".getBytes(StandardCharsets.UTF_8));
        assertThat(result.nodes()).hasSize(1).first().isInstanceOf(AtomNode.Leaf.class);
    }

    @Test
    void isDeterministic() throws Exception {
        byte[] input = ("line with enough words to exceed the sixty four byte limit of one leaf atom, number ")
                .repeat(300).getBytes(StandardCharsets.UTF_8);
        var a = TestingTrees.atomize(text, "a.txt", input);
        var b = TestingTrees.atomize(text, "a.txt", input);
        assertThat(a.nodes().stream().map(AtomNode::hash).toList()).isEqualTo(b.nodes().stream().map(AtomNode::hash).toList());
    }

    @Test
    void sniffsTextAndRejectsBinary() {
        assertThat(text.score(new Sniff("x.bin", new byte[]{0, 1, 2, 3}, 4))).isZero();
        assertThat(text.score(new Sniff("x", "plain words\n".getBytes(), 12))).isPositive();
    }
}
