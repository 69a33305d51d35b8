package io.hartonomous.atom.atomize.code;

import com.knuddels.jtokkit.api.IntArrayList;
import io.hartonomous.atom.atomize.AtomNode;
import io.hartonomous.atom.atomize.AtomizeContext;
import io.hartonomous.atom.atomize.Atomizer;
import io.hartonomous.atom.atomize.Grouper;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.atom.atomize.Utf8;
import io.hartonomous.atom.atomize.text.TextAtomizer;
import io.hartonomous.common.hilbert.Hilbert3D;
import org.jboss.logging.Logger;
import org.treesitter.TSInputEncoding;
import org.treesitter.TSParser;
import org.treesitter.TSTree;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Source code (Java, C#, Python, JavaScript, TypeScript): document → declarations as levels
 * (see the package description) → lines → BPE tokens. A declaration that stands alone on its
 * lines covers those whole lines and the comments right above it, so a method moved elsewhere
 * in a file, or into another file, deduplicates as one subtree.
 *
 * <p>Chosen over text when the content looks like text and the name (or a {@code #!} line) says
 * it is one of these languages. Falls back to {@link TextAtomizer} — lossless, modality
 * {@code text} — when the file does not parse, is not UTF-8 text, is over
 * {@link #MAX_PARSE_BYTES}, takes more than its CPU budget to parse, or the grammar's native
 * library does not load. Parsing holds the
 * file in memory, hence the size limit.
 */
public final class CodeAtomizer implements Atomizer {

    public static final String MODALITY = "code";
    /** Larger files are atomized as text: parsing holds the whole file (and its syntax tree) in memory. */
    public static final int MAX_PARSE_BYTES = 8 * 1024 * 1024;
    /** Longest line written as one unit; longer lines (minified code) are cut. */
    static final int MAX_LINE = 64 * 1024;
    /** A run of more lines than this between declarations is split into content-defined blocks. */
    static final int GROUP_LINES = 256;

    private static final Logger LOG = Logger.getLogger(CodeAtomizer.class);
    private static final AtomicBoolean PARSER_UNAVAILABLE_LOGGED = new AtomicBoolean();
    private static final Hilbert3D HILBERT = new Hilbert3D(Hilbert3D.MAX_BITS);

    /** CPU time any parse may take, plus {@link #PARSE_BUDGET_PER_MIB} per MiB of source. */
    static final Duration PARSE_BUDGET = Duration.ofSeconds(5);
    /** Valid sources parse in well under 3 s/MiB here (dense C# is the slowest grammar). */
    static final Duration PARSE_BUDGET_PER_MIB = Duration.ofSeconds(10);

    private final TextAtomizer text = new TextAtomizer();
    private final int maxParseBytes;
    private final Duration parseBudget;
    private final Duration parseBudgetPerMib;

    public CodeAtomizer() {
        this(MAX_PARSE_BYTES);
    }

    /** With a lower parse limit than {@link #MAX_PARSE_BYTES} (tests, constrained workers). */
    public CodeAtomizer(int maxParseBytes) {
        this(maxParseBytes, PARSE_BUDGET, PARSE_BUDGET_PER_MIB);
    }

    /**
     * With a parse budget other than the default: a parse that uses more CPU time than
     * {@code budget + budgetPerMib × size} is cancelled and the file atomized as text.
     */
    public CodeAtomizer(int maxParseBytes, Duration budget, Duration budgetPerMib) {
        if (maxParseBytes < 1 || maxParseBytes > MAX_PARSE_BYTES) {
            throw new IllegalArgumentException("parse limit must be 1.." + MAX_PARSE_BYTES + ", not " + maxParseBytes);
        }
        this.maxParseBytes = maxParseBytes;
        this.parseBudget = budget;
        this.parseBudgetPerMib = budgetPerMib;
    }

    @Override
    public String modality() {
        return MODALITY;
    }

    /** 70 (above text's 60) for text content of a supported language whose grammar loads; else 0. */
    @Override
    public int score(Sniff sniff) {
        if (!sniff.looksLikeText()) {
            return 0;
        }
        return Language.of(sniff.extension(), sniff.head()).flatMap(Language::load).isPresent() ? 70 : 0;
    }

    @Override
    public String mediaType(Sniff sniff) {
        return sniff.looksLikeText() ? Language.of(sniff.extension(), sniff.head()).map(Language::mediaType)
                .orElse("text/plain; charset=utf-8") : null;
    }

    @Override
    public void atomize(InputStream in, Sniff sniff, TreeWriter tree, AtomizeContext context) throws IOException {
        Optional<Language.Loaded> grammar = Language.of(sniff.extension(), sniff.head()).flatMap(Language::load);
        if (grammar.isEmpty() || sniff.size() > maxParseBytes) {
            text.atomize(in, sniff, tree, context);
            return;
        }
        byte[] source = in.readNBytes(maxParseBytes + 1);
        if (source.length > maxParseBytes) { // the sniffed size was wrong
            text.atomize(new SequenceInputStream(new ByteArrayInputStream(source), in), sniff, tree, context);
            return;
        }
        long budgetNanos = parseBudget.toNanos() + parseBudgetPerMib.toNanos() / (1 << 20) * source.length;
        Optional<Declaration> outline = parse(source, grammar.get(), budgetNanos);
        if (outline.isEmpty()) {
            text.atomize(new ByteArrayInputStream(source), sniff, tree, context);
            return;
        }
        new Writer(tree, source).document(outline.get());
    }

    /**
     * The file's declarations, or empty when it is not UTF-8 text, does not parse cleanly, or
     * its parse takes more than {@code budgetNanos} of CPU time. tree-sitter's error recovery is
     * super-linear on some inputs (16 KB of unbalanced C# brackets: 23 s), and parsing is not
     * interruptible otherwise. Only pathological inputs come near the budget, so in practice
     * the choice stays deterministic.
     */
    static Optional<Declaration> parse(byte[] source, Language.Loaded grammar, long budgetNanos) {
        if (source.length == 0 || !Utf8.isText(source, 0, source.length, false)) {
            return Optional.empty();
        }
        try (TSParser parser = new TSParser()) {
            if (!parser.setLanguage(grammar.grammar())) {
                return Optional.empty();
            }
            Budget budget = new Budget(budgetNanos);
            TSTree syntax = parser.parseWithOptions(new byte[64 * 1024], null, (buffer, offset, point) -> {
                int n = Math.max(0, Math.min(buffer.length, source.length - offset));
                System.arraycopy(source, offset, buffer, 0, n);
                return n;
            }, TSInputEncoding.TSInputEncodingUTF8, state -> budget.exceeded()); // true cancels
            if (syntax == null) {
                LOG.debugf("parse of %d bytes cancelled over its budget; atomized as text", source.length);
                return Optional.empty();
            }
            try (syntax) {
                var root = syntax.getRootNode();
                if (root.hasError()) {
                    LOG.debug("source does not parse; atomized as text");
                    return Optional.empty();
                }
                return Optional.of(Outline.of(root, source, grammar));
            }
        } catch (LinkageError e) {
            if (PARSER_UNAVAILABLE_LOGGED.compareAndSet(false, true)) {
                LOG.warnf("tree-sitter unavailable (%s); source code is atomized as text", e.toString());
            }
            return Optional.empty();
        }
    }

    /** CPU time of the parsing thread (wall time where the JVM cannot measure it). */
    private static final class Budget {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private final boolean cpu = THREADS.isCurrentThreadCpuTimeSupported();
        private final long deadline;

        Budget(long nanos) {
            this.deadline = now() + nanos;
        }

        boolean exceeded() {
            return now() - deadline > 0;
        }

        private long now() {
            return cpu ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
        }
    }

    /** Writes a parsed file: declarations as levels, everything else as lines. */
    private static final class Writer {
        private final TreeWriter tree;
        private final byte[] source;
        private final IntArrayList single = new IntArrayList(1);

        Writer(TreeWriter tree, byte[] source) {
            this.tree = tree;
            this.source = source;
        }

        /** Opens the root and writes the file under it; the caller's {@code finish()} closes it. */
        void document(Declaration document) throws IOException {
            tree.open(MODALITY, "document");
            body(document, 0, source.length, 0);
        }

        /** Writes [start, end) of {@code d}: its nested declarations and the lines around them. */
        private void body(Declaration d, int start, int end, int z) throws IOException {
            int cursor = start;
            for (Declaration child : d.children()) {
                int from = Math.max(child.start(), cursor);
                int to = Math.min(child.end(), end);
                if (to <= from) {
                    continue; // nothing of it left to place: its bytes are written as lines
                }
                lines(cursor, from);
                declaration(child, from, to, Math.max(Declaration.level(child.kind()), z + 1));
                cursor = to;
            }
            lines(cursor, end);
        }

        private void declaration(Declaration d, int start, int end, int z) throws IOException {
            AtomNode.Position position = position(d, z);
            int length = end - start;
            if (d.children().isEmpty() && length <= AtomNode.MAX_LEAF) {
                tree.leaf(source, start, length, MODALITY, d.kind(), position);
                return;
            }
            tree.open(MODALITY, d.kind());
            if (d.children().isEmpty() && isOneLine(start, end)) {
                // its tokens directly: a level holding one line would collapse into that line
                for (int at = start; at < end; at += MAX_LINE) {
                    TextAtomizer.writeTokens(tree, source, at, Math.min(MAX_LINE, end - at), MODALITY, single);
                }
            } else {
                body(d, start, end, z);
            }
            tree.close(position);
        }

        /** Writes [from, to) as lines (cut at {@link #MAX_LINE}), grouped into blocks when many. */
        private void lines(int from, int to) throws IOException {
            if (to <= from) {
                return;
            }
            Grouper blocks = countLines(from, to) > GROUP_LINES
                    ? new Grouper(tree, 1, 31, GROUP_LINES, MODALITY, "block") : null;
            int at = from;
            while (at < to) {
                int end = at;
                while (end < to && end - at < MAX_LINE && source[end++] != '\n') {
                    // scan to the end of the line, inclusive
                }
                if (blocks != null) {
                    blocks.beforeUnit();
                }
                TreeWriter.Ref line = TextAtomizer.writeLine(tree, source, at, end - at, MODALITY, single);
                if (blocks != null) {
                    blocks.afterUnit(line, isBlank(at, end));
                }
                at = end;
            }
            if (blocks != null) {
                blocks.finish();
            }
        }

        private int countLines(int from, int to) {
            int n = 1;
            for (int p = from; p < to - 1; p++) {
                if (source[p] == '\n') {
                    n++;
                }
            }
            return n;
        }

        /** No line break before the last byte. */
        private boolean isOneLine(int start, int end) {
            for (int p = start; p < end - 1; p++) {
                if (source[p] == '\n') {
                    return false;
                }
            }
            return true;
        }

        private boolean isBlank(int from, int to) {
            for (int p = from; p < to; p++) {
                byte b = source[p];
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    return false;
                }
            }
            return true;
        }

        private static AtomNode.Position position(Declaration d, int z) {
            long max = HILBERT.side() - 1;
            long m = HILBERT.encode(Math.min(d.line(), max), Math.min(d.endLine(), max), Math.min(z, max));
            return new AtomNode.Position((double) d.line(), (double) d.endLine(), (double) z, m);
        }
    }
}
