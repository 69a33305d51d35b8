package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.code.CodeAtomizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tree-sitter's error recovery is super-linear on some inputs (16 KB of unbalanced C# brackets
 * took 23 s here): the parse has a CPU budget, past which the file is atomized as text.
 */
class CodeParseBudgetTest {

    @Test
    void pathologicalSyntaxErrorsStopAtTheParseBudgetAndFallBackToText() throws Exception {
        byte[] input = ("namespace A {\n" + "{(".repeat(8_000) + "\n").getBytes(StandardCharsets.UTF_8);
        CodeAtomizer budgeted = new CodeAtomizer(CodeAtomizer.MAX_PARSE_BYTES, Duration.ofMillis(300), Duration.ZERO);
        long started = System.nanoTime();
        var result = TestingTrees.atomize(budgeted, "Hostile.cs", input);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(result.nodes()).allMatch(n -> n.modality().equals("text"));
    }

    @Test
    void defaultBudgetLeavesRealSourcesParsed() throws Exception {
        StringBuilder cs = new StringBuilder("namespace A {\n");
        for (int i = 0; i < 500; i++) {
            cs.append("  public class C").append(i).append(" { public int P { get; set; } void M(int x) { if (x > 0) { x++; } } }\n");
        }
        cs.append("}\n");
        var result = TestingTrees.atomize(new CodeAtomizer(), "Many.cs", cs.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(result.nodes()).anyMatch(n -> n.subtype().equals("method"));
    }
}
