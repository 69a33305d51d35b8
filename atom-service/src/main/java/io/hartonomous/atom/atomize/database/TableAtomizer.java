package io.hartonomous.atom.atomize.database;

import io.hartonomous.atom.atomize.AtomNode;
import io.hartonomous.atom.atomize.AtomizeContext;
import io.hartonomous.atom.atomize.Atomizer;
import io.hartonomous.atom.atomize.RunGrouper;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.atom.atomize.text.TextAtomizer;
import io.hartonomous.common.hilbert.Hilbert3D;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Tables: CSV/TSV (delimiter found in the head), a JSON array of objects, JSON Lines. Tree:
 * {@code table} → groups ({@link RunGrouper}) → {@code row} → cells. A cell is its raw bytes
 * (quotes and escapes included) with the subtype of its type ({@link CellType}) at x = column, y
 * = row; delimiters, keys with their colon, brackets, whitespace and line endings are leaves of
 * their own ({@code delimiter}, {@code key}, {@code newline}), so concatenation rebuilds the file
 * exactly. As everywhere, content of at most 64 bytes is one leaf: a short row is a single
 * {@code row} leaf, and positions are those of an atom's first sighting.
 *
 * <p>Sniffing: JSON must really start with {@code [} then {@code {} (or {@code {} for JSON Lines,
 * with a second line starting with {@code {} or a .jsonl/.ndjson name); CSV needs the same number
 * of delimiters outside quotes in every complete line of the head (at least two lines). Nothing
 * is claimed from the name alone.
 *
 * <p>Malformed input: from the first record that is not valid (unbalanced quotes, text after a
 * closing quote, invalid JSON in an array, a record over {@link #MAX_RECORD} bytes) the rest of
 * the file is written by {@link TextAtomizer} under the table; if that is the first record, the
 * whole file is text. In JSON Lines a broken line is kept as an {@code invalid} row and the next
 * lines are parsed again.
 */
public final class TableAtomizer implements Atomizer {

    public static final String MODALITY = "database";
    static final int MAX_RECORD = 1 << 20;
    private static final byte[] DELIMITERS = {',', '\t', ';', '|'};
    private static final Set<String> CSV_NAMES = Set.of("csv", "tsv", "tab", "psv");
    private static final Set<String> JSONL_NAMES = Set.of("jsonl", "ndjson", "jsonlines");
    private static final int MAX_COLUMNS = 4096;
    private static final Hilbert3D CURVE = new Hilbert3D(21);
    private static final long MASK = (1L << 21) - 1;

    private enum Kind { CSV, JSON_ARRAY, JSON_LINES }

    @Override
    public String modality() {
        return MODALITY;
    }

    @Override
    public int score(Sniff sniff) {
        Kind kind = kind(sniff);
        if (kind == null) {
            return 0;
        }
        String ext = sniff.extension();
        boolean named = switch (kind) {
            case CSV -> CSV_NAMES.contains(ext);
            case JSON_ARRAY -> ext.equals("json");
            case JSON_LINES -> JSONL_NAMES.contains(ext);
        };
        return named ? 75 : 70;
    }

    @Override
    public String mediaType(Sniff sniff) {
        Kind kind = kind(sniff);
        return kind == null ? null : switch (kind) {
            case CSV -> "text/csv; charset=utf-8";
            case JSON_ARRAY -> "application/json";
            case JSON_LINES -> "application/jsonl";
        };
    }

    private static Kind kind(Sniff sniff) {
        if (!sniff.looksLikeText()) {
            return null;
        }
        byte[] h = sniff.head();
        int i = bom(h);
        i = Json.skipWhitespace(h, i, h.length);
        if (i < h.length && h[i] == '[') {
            int j = Json.skipWhitespace(h, i + 1, h.length);
            return j < h.length && h[j] == '{' ? Kind.JSON_ARRAY : null;
        }
        if (i < h.length && h[i] == '{') {
            if (JSONL_NAMES.contains(sniff.extension())) {
                return Kind.JSON_LINES;
            }
            int newline = indexOf(h, i, (byte) '\n');
            int j = newline < 0 ? h.length : Json.skipWhitespace(h, newline + 1, h.length);
            return j < h.length && h[j] == '{' && Json.value(h, i, newline, 0) > 0 ? Kind.JSON_LINES : null;
        }
        return delimiter(h, h.length < sniff.size(), CSV_NAMES.contains(sniff.extension())) != 0 ? Kind.CSV : null;
    }

    /**
     * The delimiter that every complete line of the head has equally often outside quotes (at
     * least two lines), or 0. A file named as CSV may be ragged — lines with fewer fields than the
     * first, as exporters that drop trailing empty fields write — but never more. When the head
     * is cut, its last line is not counted.
     */
    static byte delimiter(byte[] h, boolean cut, boolean named) {
        for (byte d : DELIMITERS) {
            int header = -1;
            int lines = 0;
            int count = 0;
            boolean quoted = false;
            boolean consistent = true;
            int end = h.length;
            if (cut) {
                end = lastIndexOf(h, (byte) '\n') + 1;
            }
            for (int i = bom(h); i < end && consistent && lines < 50; i++) {
                byte c = h[i];
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == d && !quoted) {
                    count++;
                }
                if ((c == '\n' && !quoted) || i == end - 1) {
                    if (c != '\n' && count == 0) {
                        break; // a last line without delimiters (and without newline) is not judged
                    }
                    if (header < 0) {
                        header = count;
                    }
                    consistent = count >= 1 && (named ? count <= header : count == header);
                    lines++;
                    count = 0;
                }
            }
            if (consistent && lines >= 2 && header > 0) {
                return d;
            }
        }
        return 0;
    }

    @Override
    public void atomize(InputStream in, Sniff sniff, TreeWriter tree, AtomizeContext context) throws IOException {
        Kind kind = kind(sniff);
        tree.open(MODALITY, "table");
        if (kind == null) {
            fallback(in, sniff, tree);
            return;
        }
        RecordReader reader = new RecordReader(in, MAX_RECORD);
        RunGrouper rows = new RunGrouper(tree, 2, 16, 256, 15, MODALITY, "group");
        Writer writer = new Writer(tree, rows);
        boolean table = switch (kind) {
            case CSV -> csv(reader, writer, delimiter(sniff.head(), sniff.head().length < sniff.size(), CSV_NAMES.contains(sniff.extension())));
            case JSON_ARRAY -> jsonArray(reader, writer);
            case JSON_LINES -> jsonLines(reader, writer);
        };
        rows.finish();
        if (!table) {
            fallback(reader.rest(), sniff, tree);
        }
    }

    /** The rest as text, nested under the table (which collapses into it if nothing came before). */
    private static void fallback(InputStream rest, Sniff sniff, TreeWriter tree) throws IOException {
        int depth = tree.depth();
        new TextAtomizer().atomize(rest, sniff, tree, AtomizeContext.NONE);
        while (tree.depth() > depth) {
            tree.close();
        }
    }

    // ---- CSV ----

    /** False when a record is malformed; the reader then holds that record and the rest. */
    private static boolean csv(RecordReader reader, Writer writer, byte delimiter) throws IOException {
        while (true) {
            reader.clear();
            boolean quoted = false;
            while (true) {
                int c = reader.peek();
                if (c < 0) {
                    break;
                }
                if (!reader.take()) {
                    return false; // over MAX_RECORD
                }
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == '\n' && !quoted) {
                    break;
                }
            }
            if (reader.length == 0) {
                return true;
            }
            if (quoted || !csvRecord(reader.record, reader.length, delimiter, writer)) {
                return false;
            }
        }
    }

    /** Validates then writes one record; false (having written nothing) when it is malformed. */
    private static boolean csvRecord(byte[] r, int length, byte delimiter, Writer writer) throws IOException {
        int end = length;
        if (end > 0 && r[end - 1] == '\n') {
            end--;
            if (end > 0 && r[end - 1] == '\r') {
                end--;
            }
        }
        // validate: a quoted field's closing quote is followed by a delimiter or the end
        for (int i = 0; i <= end; ) {
            int fieldEnd = fieldEnd(r, i, end, delimiter);
            if (fieldEnd < 0) {
                return false;
            }
            i = fieldEnd + 1;
        }
        writer.openRow();
        int column = 0;
        for (int i = 0; i <= end; column++) {
            int fieldEnd = fieldEnd(r, i, end, delimiter);
            boolean quotedField = fieldEnd > i && r[i] == '"';
            String type = quotedField ? CellType.ofText(r, i + 1, fieldEnd - 1) : CellType.ofText(r, i, fieldEnd);
            writer.cell(r, i, fieldEnd, type, column);
            if (fieldEnd < end) {
                writer.piece(r, fieldEnd, fieldEnd + 1, "delimiter");
            }
            i = fieldEnd + 1;
        }
        writer.piece(r, end, length, "newline");
        writer.closeRow();
        return true;
    }

    /** Where the field starting at {@code i} ends (a delimiter's index or {@code end}), or -1. */
    private static int fieldEnd(byte[] r, int i, int end, byte delimiter) {
        if (i < end && r[i] == '"') {
            for (int j = i + 1; j < end; j++) {
                if (r[j] == '"') {
                    if (j + 1 < end && r[j + 1] == '"') {
                        j++;
                    } else {
                        return j + 1 == end || r[j + 1] == delimiter ? j + 1 : -1;
                    }
                }
            }
            return -1;
        }
        int j = i;
        while (j < end && r[j] != delimiter) {
            j++;
        }
        return j;
    }

    // ---- JSON ----

    private static boolean jsonArray(RecordReader reader, Writer writer) throws IOException {
        // '[' and the whitespace around it
        reader.clear();
        if (reader.peek() == 0xef) { // a UTF-8 byte order mark (the sniff saw it)
            reader.take();
            reader.take();
            reader.take();
        }
        takeWhitespace(reader);
        if (reader.peek() != '[' || !reader.take()) {
            return false;
        }
        takeWhitespace(reader);
        writer.standalone(reader.record, 0, reader.length, "delimiter");
        if (reader.peek() == ']') {
            return closing(reader, writer);
        }
        while (true) {
            reader.clear();
            if (!takeValue(reader)) {
                return false;
            }
            int valueEnd = reader.length;
            if (Json.value(reader.record, 0, valueEnd, 0) != valueEnd) {
                return false;
            }
            takeWhitespace(reader);
            int c = reader.peek();
            if (c == ',') {
                reader.take();
                takeWhitespace(reader);
                writer.jsonRow(reader.record, valueEnd, reader.length);
            } else if (c == ']') {
                writer.jsonRow(reader.record, valueEnd, reader.length);
                return closing(reader, writer);
            } else {
                return false;
            }
        }
    }

    /** The closing bracket and trailing whitespace; false if anything else follows. */
    private static boolean closing(RecordReader reader, Writer writer) throws IOException {
        reader.clear();
        reader.take();
        takeWhitespace(reader);
        if (reader.peek() >= 0) {
            writer.standalone(reader.record, 0, reader.length, "delimiter");
            reader.clear();
            return false;
        }
        writer.standalone(reader.record, 0, reader.length, "delimiter");
        return true;
    }

    private static void takeWhitespace(RecordReader reader) throws IOException {
        for (int c; (c = reader.peek()) == ' ' || c == '\t' || c == '\n' || c == '\r'; ) {
            if (!reader.take()) {
                return;
            }
        }
    }

    /** Takes one JSON value's bytes (brackets balanced outside strings); false at the end or over the limit. */
    private static boolean takeValue(RecordReader reader) throws IOException {
        int depth = 0;
        boolean string = false;
        boolean escape = false;
        while (true) {
            int c = reader.peek();
            if (c < 0) {
                return false;
            }
            if (depth == 0 && !string && reader.length > 0 && (c == ',' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
                return true;
            }
            if (!reader.take()) {
                return false;
            }
            if (string) {
                if (escape) {
                    escape = false;
                } else if (c == '\\') {
                    escape = true;
                } else if (c == '"') {
                    string = false;
                    if (depth == 0) {
                        return true;
                    }
                }
            } else if (c == '"') {
                string = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth <= 0) {
                    return depth == 0;
                }
            }
        }
    }

    private static boolean jsonLines(RecordReader reader, Writer writer) throws IOException {
        while (true) {
            reader.clear();
            while (true) {
                int c = reader.peek();
                if (c < 0) {
                    break;
                }
                if (!reader.take()) {
                    return false;
                }
                if (c == '\n') {
                    break;
                }
            }
            if (reader.length == 0) {
                return true;
            }
            byte[] r = reader.record;
            int start = Json.skipWhitespace(r, 0, reader.length);
            int end = start == reader.length ? -1 : Json.value(r, start, reader.length, 0);
            if (start == reader.length) {
                writer.standalone(r, 0, reader.length, "newline");
            } else if (end < 0 || Json.skipWhitespace(r, end, reader.length) != reader.length) {
                writer.standalone(r, 0, reader.length, "invalid");
            } else {
                writer.jsonLine(r, start, end, reader.length);
            }
        }
    }

    /** Emits rows, cells and the pieces between them. */
    private static final class Writer {
        private final TreeWriter tree;
        private final RunGrouper rows;
        private final Map<String, Integer> columns = new HashMap<>();
        private long row;

        Writer(TreeWriter tree, RunGrouper rows) {
            this.tree = tree;
            this.rows = rows;
        }

        void openRow() {
            rows.beforeUnit();
            tree.open(MODALITY, "row");
        }

        void closeRow() throws IOException {
            TreeWriter.Ref ref = tree.close(new AtomNode.Position(null, (double) row, null, null));
            row++;
            if (ref != null) {
                rows.afterUnit(ref);
            }
        }

        /** Bytes that are not a row (brackets, blank lines, broken lines), as a unit among the rows. */
        void standalone(byte[] b, int from, int to, String subtype) throws IOException {
            if (to > from) {
                rows.beforeUnit();
                rows.afterUnit(piece(b, from, to, subtype));
            }
        }

        void cell(byte[] b, int from, int to, String type, int column) throws IOException {
            long x = column;
            write(b, from, to, type, new AtomNode.Position((double) x, (double) row, null,
                    CURVE.encode(x & MASK, row & MASK, (row >>> 21) & MASK)));
        }

        TreeWriter.Ref piece(byte[] b, int from, int to, String subtype) throws IOException {
            return write(b, from, to, subtype, AtomNode.Position.NONE);
        }

        private TreeWriter.Ref write(byte[] b, int from, int to, String subtype, AtomNode.Position position) throws IOException {
            int length = to - from;
            if (length <= 0) {
                return null;
            }
            if (length <= AtomNode.MAX_LEAF) {
                return tree.leaf(b, from, length, MODALITY, subtype, position);
            }
            tree.open(MODALITY, subtype);
            tree.bytes(b, from, length, MODALITY, subtype);
            return tree.close(position);
        }

        /** An array element at [0, valueEnd) followed by its separator up to {@code end}. */
        void jsonRow(byte[] r, int valueEnd, int end) throws IOException {
            openRow();
            jsonValue(r, 0, valueEnd);
            piece(r, valueEnd, end, "delimiter");
            closeRow();
        }

        /** A JSON Lines line: leading whitespace, the value, and the rest of the line. */
        void jsonLine(byte[] r, int start, int valueEnd, int end) throws IOException {
            openRow();
            piece(r, 0, start, "delimiter");
            jsonValue(r, start, valueEnd);
            piece(r, valueEnd, end, "newline");
            closeRow();
        }

        /** An object's members as key and value cells; any other value as one cell. */
        private void jsonValue(byte[] r, int from, int to) throws IOException {
            if (r[from] != '{') {
                cell(r, from, to, CellType.ofJson(r, from, to), 0);
                return;
            }
            int i = Json.skipWhitespace(r, from + 1, to);
            piece(r, from, i, "delimiter");
            int member = 0;
            while (r[i] != '}') {
                int keyEnd = Json.string(r, i, to);
                int valueStart = Json.skipWhitespace(r, Json.skipWhitespace(r, keyEnd, to) + 1, to);
                piece(r, i, valueStart, "key");
                int valueEnd = Json.value(r, valueStart, to, 1);
                cell(r, valueStart, valueEnd, CellType.ofJson(r, valueStart, valueEnd), column(r, i, keyEnd, member++));
                int next = Json.skipWhitespace(r, valueEnd, to);
                if (r[next] == ',') {
                    next = Json.skipWhitespace(r, next + 1, to);
                }
                piece(r, valueEnd, next, "delimiter");
                i = next;
            }
            piece(r, i, to, "delimiter");
        }

        /** A key's column: the order keys were first seen in (bounded), else the member's index. */
        private int column(byte[] r, int from, int to, int member) {
            String key = new String(r, from, to - from, StandardCharsets.UTF_8);
            Integer known = columns.get(key);
            if (known != null) {
                return known;
            }
            if (columns.size() >= MAX_COLUMNS) {
                return member;
            }
            columns.put(key, columns.size());
            return columns.size() - 1;
        }
    }

    private static int bom(byte[] h) {
        return h.length >= 3 && (h[0] & 0xff) == 0xef && (h[1] & 0xff) == 0xbb && (h[2] & 0xff) == 0xbf ? 3 : 0;
    }

    private static int lastIndexOf(byte[] h, byte b) {
        for (int i = h.length - 1; i >= 0; i--) {
            if (h[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] h, int from, byte b) {
        for (int i = from; i < h.length; i++) {
            if (h[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
