package io.hartonomous.atom.atomize.text;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import io.hartonomous.atom.atomize.AtomNode;
import io.hartonomous.atom.atomize.Atomizer;
import io.hartonomous.atom.atomize.Grouper;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.atom.atomize.Utf8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Text: document → blocks (paragraphs, or content-defined groups of lines) → lines → BPE tokens
 * (cl100k_base). A line of at most 64 bytes is one leaf, so a repeated line, paragraph or block
 * deduplicates as a whole subtree. Bytes that are not valid UTF-8 stay bytes (64-byte leaves of
 * subtype {@code bytes}), so any input round-trips exactly.
 */
public final class TextAtomizer implements Atomizer {

    public static final String MODALITY = "text";
    /** Lines longer than this are cut into segments (minified files, logs without newlines). */
    static final int MAX_LINE = 64 * 1024;
    private static final Set<String> EXTENSIONS = Set.of("txt", "md", "markdown", "rst", "adoc", "log", "text", "org", "tex");
    private static final Encoding TOKENIZER = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    @Override
    public String modality() {
        return MODALITY;
    }

    @Override
    public int score(Sniff sniff) {
        if (!sniff.looksLikeText()) {
            return EXTENSIONS.contains(sniff.extension()) ? 5 : 0;
        }
        return EXTENSIONS.contains(sniff.extension()) ? 60 : 50;
    }

    @Override
    public void atomize(InputStream in, Sniff sniff, TreeWriter tree, io.hartonomous.atom.atomize.AtomizeContext context) throws IOException {
        tree.open(MODALITY, "document");
        Grouper blocks = new Grouper(tree, 2, 31, 256, MODALITY, "block");
        LineReader lines = new LineReader(in, MAX_LINE);
        IntArrayList single = new IntArrayList(1);
        for (byte[] line; (line = lines.next()) != null; ) {
            int length = lines.length();
            blocks.beforeUnit();
            TreeWriter.Ref ref = writeLine(tree, line, length, single);
            blocks.afterUnit(ref, isBlank(line, length));
        }
        blocks.finish();
    }

    static TreeWriter.Ref writeLine(TreeWriter tree, byte[] line, int length, IntArrayList single) throws IOException {
        if (length <= AtomNode.MAX_LEAF) {
            return tree.leaf(line, 0, length, MODALITY, "line");
        }
        tree.open(MODALITY, "line");
        if (!Utf8.isValid(line, 0, length) || !writeTokens(tree, line, length, single)) {
            tree.bytes(line, 0, length, MODALITY, "bytes");
        }
        return tree.close();
    }

    /** Writes the line's BPE tokens; false (having written nothing) if they would not rebuild it. */
    private static boolean writeTokens(TreeWriter tree, byte[] line, int length, IntArrayList single) throws IOException {
        IntArrayList tokens = TOKENIZER.encodeOrdinary(new String(line, 0, length, StandardCharsets.UTF_8));
        byte[][] pieces = new byte[tokens.size()][];
        int at = 0;
        for (int i = 0; i < tokens.size(); i++) {
            single.clear();
            single.add(tokens.get(i));
            byte[] piece = TOKENIZER.decodeBytes(single);
            if (at + piece.length > length || !Arrays.equals(piece, 0, piece.length, line, at, at + piece.length)) {
                return false;
            }
            pieces[i] = piece;
            at += piece.length;
        }
        if (at != length) {
            return false;
        }
        for (byte[] piece : pieces) {
            tree.bytes(piece, 0, piece.length, MODALITY, "token");
        }
        return true;
    }

    private static boolean isBlank(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
