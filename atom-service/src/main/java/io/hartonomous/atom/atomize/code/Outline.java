package io.hartonomous.atom.atomize.code;

import org.treesitter.TSNode;
import org.treesitter.TSTreeCursor;

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
        // one cursor for the whole walk: a third of the JNI cost of getChild(i) per node
        try (TSTreeCursor cursor = new TSTreeCursor(root)) {
            return new Declaration("document", 0, source.length, 1, lines, outline.children(cursor, "document", 0));
        }
    }

    /** The top-most declarations among the children of the cursor's node; the cursor ends where it began. */
    private List<Declaration> children(TSTreeCursor cursor, String parentKind, int depth) {
        if (!cursor.gotoFirstChild()) {
            return new ArrayList<>();
        }
        List<Declaration> out = siblings(cursor, parentKind, depth);
        cursor.gotoParent();
        return out;
    }

    /**
     * The top-most declarations among the cursor's node and its following siblings; leaves the
     * cursor on the last sibling.
     */
    private List<Declaration> siblings(TSTreeCursor cursor, String parentKind, int depth) {
        List<Declaration> out = new ArrayList<>();
        int commentStart = -1;
        int commentEnd = -1;
        int commentLine = -1;
        do {
            TSNode child = cursor.currentNode();
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
            boolean inWrapper = role == Language.Role.WRAPPER && gotoWrapped(cursor);
            TSNode declaration = switch (role) {
                case DECLARATION, SCOPE_STATEMENT -> child;
                case WRAPPER -> inWrapper ? cursor.currentNode() : null;
                default -> null;
            };
            if (declaration == null) {
                if (depth < MAX_DEPTH) {
                    out.addAll(children(cursor, parentKind, depth + 1));
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
                List<Declaration> inside = children(cursor, kind, depth + 1);
                TSNode last = child;
                if (cursor.gotoNextSibling()) {
                    inside.addAll(siblings(cursor, kind, depth + 1));
                    last = cursor.currentNode();
                }
                out.add(new Declaration(kind, wholeLineStart(start), wholeLineEnd(last.getEndByte()), line,
                        last.getEndPoint().getRow() + 1, inside));
                return out;
            }
            List<Declaration> inside = depth < MAX_DEPTH ? children(cursor, kind, depth + 1) : List.of();
            if (inWrapper) {
                cursor.gotoParent();
            }
            out.add(new Declaration(kind, wholeLineStart(start), wholeLineEnd(child.getEndByte()), line,
                    child.getEndPoint().getRow() + 1, inside));
        } while (cursor.gotoNextSibling());
        return out;
    }

    /**
     * Moves the cursor from a wrapper (decorators, {@code export}) to the declaration inside it;
     * false, the cursor back on the wrapper, if it wraps none.
     */
    private boolean gotoWrapped(TSTreeCursor cursor) {
        if (!cursor.gotoFirstChild()) {
            return false;
        }
        do {
            if (grammar.role(cursor.currentNode().getSymbol()) == Language.Role.DECLARATION) {
                return true;
            }
        } while (cursor.gotoNextSibling());
        cursor.gotoParent();
        return false;
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
