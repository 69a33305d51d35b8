package io.hartonomous.search.embed;

import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.search.store.AtomNode;
import io.hartonomous.search.store.RootRecord;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts an ingestion root into searchable units with their text. A text-bearing root (text, code,
 * database, git) is one {@code document} unit plus its meaningful {@code part}s, found by the
 * subtype atom-service gave the composites: paragraphs ({@code block} composites that hold no
 * further blocks) for text, declarations (class, interface, method, function, …) for code. Any
 * other root is one {@code surrogate} unit whose text describes it (file name, modality, subtype,
 * content type, metadata; for a model its name, type and layers).
 */
public final class Extractor {

    /** Modalities whose bytes are text. */
    public static final Set<String> TEXT_MODALITIES = Set.of("text", "code", "database", "git");
    static final Set<String> CODE_PARTS = Set.of("class", "interface", "struct", "enum", "record", "annotation",
            "method", "function", "constructor");

    private final int storedChars;
    private final int minPartChars;

    public Extractor(int storedChars, int minPartChars) {
        this.storedChars = storedChars;
        this.minPartChars = minPartChars;
    }

    /** A unit found in a root: the atom it is, what kind, where, and its text. */
    public record Extracted(long atomId, ContentHash hash, String modality, String subtype, String kind, String path,
                            String text) {
    }

    public static boolean textBearing(RootRecord root, long maxBytes) {
        return TEXT_MODALITIES.contains(root.modality()) && root.length() <= maxBytes;
    }

    /** The units of a text-bearing root whose tree is expanded in {@code tree}; the document first. */
    public List<Extracted> document(RootRecord root, Map<ContentHash, AtomNode> tree) {
        Map<ContentHash, byte[]> memo = new HashMap<>();
        String text = decode(bytes(tree, root.hash(), memo));
        List<Extracted> out = new ArrayList<>();
        String name = root.sourceName();
        out.add(new Extracted(root.atomId(), root.hash(), root.modality(), root.subtype(), "document", name,
                clip(humanName(name) + "\n" + text)));
        Set<ContentHash> seen = new HashSet<>();
        Map<String, Integer> ordinals = new HashMap<>();
        Deque<ContentHash> stack = new ArrayDeque<>();
        stack.push(root.hash());
        while (!stack.isEmpty()) {
            AtomNode n = tree.get(stack.pop());
            if (n == null || n.leaf()) {
                continue;
            }
            if (!n.hash().equals(root.hash()) && isPart(n, tree) && seen.add(n.hash())) {
                String partText = decode(bytes(tree, n.hash(), memo)).strip();
                if (partText.length() >= minPartChars && !partText.equals(text.strip())) {
                    int ordinal = ordinals.merge(n.subtype(), 1, Integer::sum);
                    out.add(new Extracted(n.atomId(), n.hash(), n.modality(), n.subtype(), "part",
                            name + "#" + n.subtype() + "-" + ordinal, clip(partText)));
                }
            }
            List<ContentHash> kids = n.children();
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack.push(kids.get(i));
            }
        }
        return out;
    }

    private static boolean isPart(AtomNode n, Map<ContentHash, AtomNode> tree) {
        if ("text".equals(n.modality()) && "block".equals(n.subtype())) {
            for (ContentHash c : n.children()) {
                AtomNode child = tree.get(c);
                if (child != null && "block".equals(child.subtype())) {
                    return false;
                }
            }
            return true;
        }
        return "code".equals(n.modality()) && CODE_PARTS.contains(n.subtype());
    }

    /** The surrogate unit of a root whose bytes are not text. */
    public Extracted surrogate(RootRecord root, String modelDescription) {
        StringBuilder sb = new StringBuilder();
        sb.append(humanName(root.sourceName())).append('\n');
        sb.append(root.modality());
        if (root.subtype() != null) {
            sb.append(' ').append(root.subtype());
        }
        if (root.contentType() != null) {
            sb.append(' ').append(root.contentType());
        }
        sb.append(" file ").append(root.sourceName());
        if (root.metadata() != null && !root.metadata().isBlank()) {
            sb.append('\n').append(root.metadata().replaceAll("[{}\"\\[\\]]", " ").replaceAll("\\s+", " ").strip());
        }
        if (modelDescription != null) {
            sb.append('\n').append(modelDescription);
        }
        return new Extracted(root.atomId(), root.hash(), root.modality(), root.subtype(), "surrogate", root.sourceName(),
                clip(sb.toString()));
    }

    /** "cat_photo-2024.png" → "cat photo 2024 png": file names as words. */
    static String humanName(String name) {
        return name.replaceAll("[_\\-./\\\\]+", " ").replaceAll("([a-z])([A-Z])", "$1 $2").strip();
    }

    private String clip(String s) {
        return s.length() <= storedChars ? s : s.substring(0, storedChars);
    }

    private static String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8).replace("\u0000", "");
    }

    private static byte[] bytes(Map<ContentHash, AtomNode> tree, ContentHash hash, Map<ContentHash, byte[]> memo) {
        byte[] cached = memo.get(hash);
        if (cached != null) {
            return cached;
        }
        AtomNode n = tree.get(hash);
        if (n == null) {
            throw new IllegalStateException("atom " + hash + " was not read");
        }
        if (n.leaf()) {
            return n.value();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(n.length(), Integer.MAX_VALUE - 8));
        for (ContentHash c : n.children()) {
            out.writeBytes(bytes(tree, c, memo));
        }
        byte[] b = out.toByteArray();
        memo.put(hash, b);
        return b;
    }
}
