package io.hartonomous.atom.atomize.code;

import java.util.List;

/**
 * One declaration of a source file: its kind ({@code class}, {@code method}, …), the byte range
 * it covers (whole lines where it stands alone on them, with the comments just above it), its
 * first and last line (1-based) and the declarations nested in it, in order and not overlapping.
 */
record Declaration(String kind, int start, int end, int line, int endLine, List<Declaration> children) {

    Declaration {
        children = List.copyOf(children);
    }

    /** The Z of a kind as the reference places it: namespace 1, type 2, member 3. */
    static int level(String kind) {
        return switch (kind) {
            case "namespace" -> 1;
            case "class", "interface", "struct", "enum", "record", "annotation" -> 2;
            default -> 3;
        };
    }

    static boolean isType(String kind) {
        return level(kind) == 2;
    }
}
