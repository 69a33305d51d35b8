package io.hartonomous.atom.atomize.code;

import org.treesitter.TSNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Reduces a tree-sitter syntax tree to its declarations (the levels the code atomizer writes).
 * Every node is visited once, up to {@link #MAX_DEPTH} nodes deep (deeper content is still
 * written, as lines of its enclosing declaration). Node types are compared by symbol id, so no
 * string is made per node.
 */
final class Outline {

    /** Syntax nesting below which no declaration is searched (bounds the Java stack). */
    static final int MAX_DEPTH = 256;

    private final byte[] source;
    private final Language.Loaded grammar;

    private Outline(byte[] source, Language.Loaded grammar) {
        this.source = source;
        this.grammar = grammar;
    }

    /** The document as a declaration of kind {@code document} over the whole source. */
    static Declaration of(TSNode root, byte[] source, Language.Loaded grammar) {
        Outline outline = new Outline(source, grammar);
        int lines = root.getEndPoint().getRow() + 1;
        return new Declaration("document", 0, source.length, 1, lines,
                outline.collect(root, 0, "document", 0));
    }

    /** The top-most declarations among {@code parent}'s children from index {@code from} on. */
    private List<Declaration> collect(TSNode parent, int from, String parentKind, int depth) {
        List<Declaration> out = new ArrayList<>();
        int count = parent.getChildCount();
        int commentStart = -1;
        int commentEnd = -1;
        int commentLine = -1;
        for (int i = from; i < count; i++) {
            TSNode child = parent.getChild(i);
            Language.Role role = grammar.role(child.getSymbol());
            if (role == Language.Role.COMMENT) {
                int start = child.getStartByte();
                if (!startsLine(start)) {
                    commentStart = -1; // a trailing comment belongs to the code before it
                } else if (commentStart < 0 || blankLineBetween(commentEnd, start)) {
                    commentStart = start;
                    commentLine = child.getStartPoint().getRow();
                }
                commentEnd = child.getEndByte();
                continue;
            }
            TSNode declaration = switch (role) {
                case DECLARATION, SCOPE_STATEMENT -> child;
                case WRAPPER -> wrapped(child);
                default -> null;
            };
            if (declaration == null) {
                if (depth < MAX_DEPTH && child.getChildCount() > 0) {
                    out.addAll(collect(child, 0, parentKind, depth + 1));
                }
                commentStart = -1;
                continue;
            }
            int nodeStart = child.getStartByte();
            boolean withComments = commentStart >= 0 && !blankLineBetween(commentEnd, nodeStart);
            int start = withComments ? commentStart : nodeStart;
            int line = (withComments ? commentLine : child.getStartPoint().getRow()) + 1;
            commentStart = -1;
            String kind = kind(declaration, parentKind);
            if (role == Language.Role.SCOPE_STATEMENT) {
                // `package x;` / `namespace X;` scopes everything after it in the file
                List<Declaration> inside = new ArrayList<>(collect(child, 0, kind, depth + 1));
                inside.addAll(collect(parent, i + 1, kind, depth + 1));
                TSNode last = parent.getChild(count - 1);
                out.add(new Declaration(kind, wholeLineStart(start), wholeLineEnd(last.getEndByte()), line,
                        last.getEndPoint().getRow() + 1, inside));
                return out;
            }
            List<Declaration> inside = depth < MAX_DEPTH ? collect(declaration, 0, kind, depth + 1) : List.of();
            out.add(new Declaration(kind, wholeLineStart(start), wholeLineEnd(child.getEndByte()), line,
                    child.getEndPoint().getRow() + 1, inside));
        }
        return out;
    }

    /** The declaration inside a wrapper (decorators, {@code export}), or null if it wraps none. */
    private TSNode wrapped(TSNode wrapper) {
        int count = wrapper.getChildCount();
        for (int i = 0; i < count; i++) {
            TSNode child = wrapper.getChild(i);
            if (grammar.role(child.getSymbol()) == Language.Role.DECLARATION) {
                return child;
            }
        }
        return null;
    }

    private String kind(TSNode declaration, String parentKind) {
        String kind = grammar.kinds()[declaration.getSymbol()];
        return "function".equals(kind) && Declaration.isType(parentKind) ? "method" : kind;
    }

    private boolean startsLine(int start) {
        int p = start;
        while (p > 0 && (source[p - 1] == ' ' || source[p - 1] == '\t')) {
            p--;
        }
        return p == 0 || source[p - 1] == '\n';
    }

    /** Back to the start of the line when only blanks precede the declaration on it. */
    private int wholeLineStart(int start) {
        int p = start;
        while (p > 0 && (source[p - 1] == ' ' || source[p - 1] == '\t')) {
            p--;
        }
        return startsLine(start) ? p : start;
    }

    /** Through the end of the line when only blanks follow the declaration on it. */
    private int wholeLineEnd(int end) {
        int p = end;
        while (p < source.length && (source[p] == ' ' || source[p] == '\t' || source[p] == '\r')) {
            p++;
        }
        return p < source.length && source[p] == '\n' ? p + 1 : end;
    }

    private boolean blankLineBetween(int from, int to) {
        int newlines = 0;
        for (int p = Math.max(0, from); p < to && p < source.length; p++) {
            if (source[p] == '\n' && ++newlines > 1) {
                return true;
            }
        }
        return false;
    }
}
