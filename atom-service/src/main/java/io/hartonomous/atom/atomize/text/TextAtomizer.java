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

    /** UTF-8 text (its head valid UTF-8: bytes further on that are not still round-trip, as bytes). */
    @Override
    public String mediaType(Sniff sniff) {
        return sniff.looksLikeText() ? "text/plain; charset=utf-8" : null;
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
        return writeLine(tree, line, 0, length, MODALITY, single);
    }

    /**
     * Writes one line under the current level: a leaf if it has at most 64 bytes, otherwise a
     * {@code line} composite of its tokens. Reused by atomizers of text-like formats (code).
     *
     * @return the line's atom
     */
    public static TreeWriter.Ref writeLine(TreeWriter tree, byte[] bytes, int offset, int length, String modality,
                                           IntArrayList single) throws IOException {
        if (length <= AtomNode.MAX_LEAF) {
            return tree.leaf(bytes, offset, length, modality, "line");
        }
        tree.open(modality, "line");
        writeTokens(tree, bytes, offset, length, modality, single);
        return tree.close();
    }

    /**
     * Writes bytes as BPE token leaves directly under the current level, or as 64-byte
     * {@code bytes} leaves where they are not valid UTF-8 or the tokens would not rebuild them.
     */
    public static void writeTokens(TreeWriter tree, byte[] bytes, int offset, int length, String modality,
                                   IntArrayList single) throws IOException {
        if (!Utf8.isValid(bytes, offset, length) || !writeBpe(tree, bytes, offset, length, modality, single)) {
            tree.bytes(bytes, offset, length, modality, "bytes");
        }
    }

    /** Writes the BPE tokens; false (having written nothing) if they would not rebuild the bytes. */
    private static boolean writeBpe(TreeWriter tree, byte[] line, int offset, int length, String modality,
                                    IntArrayList single) throws IOException {
        IntArrayList tokens = TOKENIZER.encodeOrdinary(new String(line, offset, length, StandardCharsets.UTF_8));
        byte[][] pieces = new byte[tokens.size()][];
        int at = 0;
        for (int i = 0; i < tokens.size(); i++) {
            single.clear();
            single.add(tokens.get(i));
            byte[] piece = TOKENIZER.decodeBytes(single);
            if (at + piece.length > length
                    || !Arrays.equals(piece, 0, piece.length, line, offset + at, offset + at + piece.length)) {
                return false;
            }
            pieces[i] = piece;
            at += piece.length;
        }
        if (at != length) {
            return false;
        }
        for (byte[] piece : pieces) {
            tree.bytes(piece, 0, piece.length, modality, "token");
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
