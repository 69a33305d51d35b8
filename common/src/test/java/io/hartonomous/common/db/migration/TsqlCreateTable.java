package io.hartonomous.common.db.migration;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small, documented reader for the T-SQL {@code CREATE TABLE} features that jsqlparser 5.4 does
 * not understand. It never decides on its own that a statement is fine: it produces a
 * <em>reduced</em> statement, which jsqlparser must then parse, plus the pieces it took out, each
 * of which the tests check separately. The reductions, and only these, are:
 *
 * <ol>
 *   <li>{@link #ROW_START_END}: {@code GENERATED ALWAYS AS ROW START|END} is dropped from a period
 *       column's definition (its name, type and nullability stay and are parsed);</li>
 *   <li>{@link #PERIOD}: the {@code PERIOD FOR SYSTEM_TIME (start, end)} element is dropped; its two
 *       column names are kept in {@link Reduced#periodColumns()};</li>
 *   <li>{@link #COMPUTED}: a computed column {@code name AS expression [PERSISTED] [NOT NULL]} is
 *       dropped; it is kept in {@link Reduced#computedColumns()} (its expression is parsed on its
 *       own by the tests);</li>
 *   <li>{@link #CONNECTION}: an edge table's {@code CONSTRAINT name CONNECTION (a TO b) [ON DELETE
 *       …]} element is dropped; the node tables are kept in {@link Reduced#connectedTables()};</li>
 *   <li>{@link #INLINE_INDEX}: an inline {@code INDEX name …} element (memory-optimized tables can
 *       only declare indexes inline) is dropped;</li>
 *   <li>{@link #HASH}: {@code NONCLUSTERED HASH (cols) WITH (BUCKET_COUNT = n)} in a key becomes
 *       {@code NONCLUSTERED (cols)};</li>
 *   <li>{@link #TABLE_OPTIONS}: a trailing {@code WITH (…)} (SYSTEM_VERSIONING, MEMORY_OPTIMIZED) is
 *       dropped; a history table it names is kept in {@link Reduced#historyTable()};</li>
 *   <li>{@link #GRAPH}: a trailing {@code AS NODE} / {@code AS EDGE} is dropped and kept in
 *       {@link Reduced#graphKind()}.</li>
 * </ol>
 */
final class TsqlCreateTable {

    static final String ROW_START_END = "GENERATED ALWAYS AS ROW START/END";
    static final String PERIOD = "PERIOD FOR SYSTEM_TIME";
    static final String COMPUTED = "computed column";
    static final String CONNECTION = "edge CONNECTION constraint";
    static final String INLINE_INDEX = "inline INDEX";
    static final String HASH = "HASH index WITH (BUCKET_COUNT)";
    static final String TABLE_OPTIONS = "table options WITH (...)";
    static final String GRAPH = "AS NODE / AS EDGE";

    private static final Pattern HEADER = Pattern.compile("(?is)^CREATE\\s+TABLE\\s+([A-Za-z_][\\w.]*)\\s*\\(");
    private static final Pattern ROW_PERIOD_COLUMN =
            Pattern.compile("(?i)\\s+GENERATED\\s+ALWAYS\\s+AS\\s+ROW\\s+(START|END)\\b");
    private static final Pattern PERIOD_ELEMENT =
            Pattern.compile("(?i)^PERIOD\\s+FOR\\s+SYSTEM_TIME\\s*\\(\\s*(\\w+)\\s*,\\s*(\\w+)\\s*\\)$");
    private static final Pattern COMPUTED_ELEMENT =
            Pattern.compile("(?is)^(\\w+)\\s+AS\\s+(.+?)(\\s+PERSISTED)?(\\s+NOT\\s+NULL|\\s+NULL)?$");
    private static final Pattern CONNECTION_ELEMENT = Pattern.compile(
            "(?is)^CONSTRAINT\\s+\\w+\\s+CONNECTION\\s*\\((.+)\\)(\\s+ON\\s+DELETE\\s+(CASCADE|NO\\s+ACTION))?$");
    private static final Pattern CONNECTION_PAIR = Pattern.compile("(?i)([\\w.]+)\\s+TO\\s+([\\w.]+)");
    private static final Pattern INLINE_INDEX_ELEMENT = Pattern.compile("(?is)^INDEX\\s+\\w+\\s+.+$");
    private static final Pattern HASH_KEY =
            Pattern.compile("(?is)\\s+HASH\\s*(\\([^)]*\\))\\s*WITH\\s*\\(\\s*BUCKET_COUNT\\s*=\\s*\\d+\\s*\\)");
    private static final Pattern WITH_OPTIONS = Pattern.compile("(?is)^WITH\\s*\\((.*)\\)$");
    private static final Pattern HISTORY_TABLE = Pattern.compile("(?i)HISTORY_TABLE\\s*=\\s*([\\w.]+)");
    private static final Pattern GRAPH_TAIL = Pattern.compile("(?i)^AS\\s+(NODE|EDGE)$");

    private TsqlCreateTable() {
    }

    /** A computed column taken out of a CREATE TABLE. */
    record ComputedColumn(String name, String expression, boolean persisted, boolean notNull) {
    }

    /** The outcome of {@link #reduce}. */
    record Reduced(
            String table,
            String sql,
            List<String> rules,
            List<ComputedColumn> computedColumns,
            List<String> periodColumns,
            Optional<String> historyTable,
            List<String> connectedTables,
            Optional<String> graphKind) {
    }

    static boolean isCreateTable(String sql) {
        return HEADER.matcher(sql).find();
    }

    static String tableName(String sql) {
        Matcher m = HEADER.matcher(sql);
        if (!m.find()) {
            throw new IllegalArgumentException("not a CREATE TABLE: " + sql);
        }
        return m.group(1);
    }

    /** Applies the documented reductions (and only those) to one canonical CREATE TABLE statement. */
    static Reduced reduce(String sql) {
        Matcher header = HEADER.matcher(sql);
        if (!header.find()) {
            throw new IllegalArgumentException("not a CREATE TABLE: " + sql);
        }
        String table = header.group(1);
        int open = header.end() - 1;
        int close = matchingParen(sql, open);
        String body = sql.substring(open + 1, close);
        String tail = sql.substring(close + 1).trim();

        Set<String> rules = new LinkedHashSet<>();
        List<ComputedColumn> computed = new ArrayList<>();
        List<String> period = new ArrayList<>();
        List<String> connected = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (String element : splitTopLevel(body)) {
            String e = element.trim();
            Matcher m;
            if ((m = PERIOD_ELEMENT.matcher(e)).matches()) {
                rules.add(PERIOD);
                period.add(m.group(1));
                period.add(m.group(2));
                continue;
            }
            if ((m = CONNECTION_ELEMENT.matcher(e)).matches()) {
                rules.add(CONNECTION);
                Matcher pair = CONNECTION_PAIR.matcher(m.group(1));
                while (pair.find()) {
                    connected.add(pair.group(1));
                    connected.add(pair.group(2));
                }
                continue;
            }
            if (INLINE_INDEX_ELEMENT.matcher(e).matches()) {
                rules.add(INLINE_INDEX);
                continue;
            }
            if ((m = COMPUTED_ELEMENT.matcher(e)).matches() && !isKeyword(m.group(1))) {
                rules.add(COMPUTED);
                computed.add(new ComputedColumn(m.group(1), m.group(2).trim(), m.group(3) != null,
                        m.group(4) != null && m.group(4).trim().toUpperCase(Locale.ROOT).startsWith("NOT")));
                continue;
            }
            if ((m = ROW_PERIOD_COLUMN.matcher(e)).find()) {
                rules.add(ROW_START_END);
                e = ROW_PERIOD_COLUMN.matcher(e).replaceAll("");
            }
            if ((m = HASH_KEY.matcher(e)).find()) {
                rules.add(HASH);
                e = HASH_KEY.matcher(e).replaceAll(" $1");
            }
            kept.add(e);
        }

        Optional<String> history = Optional.empty();
        Optional<String> graph = Optional.empty();
        Matcher m;
        if ((m = WITH_OPTIONS.matcher(tail)).matches()) {
            rules.add(TABLE_OPTIONS);
            Matcher h = HISTORY_TABLE.matcher(m.group(1));
            if (h.find()) {
                history = Optional.of(h.group(1));
            }
            tail = "";
        } else if ((m = GRAPH_TAIL.matcher(tail)).matches()) {
            rules.add(GRAPH);
            graph = Optional.of(m.group(1).toUpperCase(Locale.ROOT));
            tail = "";
        }
        String reduced = sql.substring(0, open + 1) + String.join(", ", kept) + ")" + (tail.isEmpty() ? "" : " " + tail);
        return new Reduced(table, reduced, List.copyOf(rules), computed, period, history, connected, graph);
    }

    private static boolean isKeyword(String word) {
        return Set.of("CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "INDEX", "PERIOD")
                .contains(word.toUpperCase(Locale.ROOT));
    }

    static int matchingParen(String sql, int open) {
        int depth = 0;
        for (int i = open; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\'') {
                i = sql.indexOf('\'', i + 1);
                if (i < 0) {
                    break;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses: " + sql);
    }

    /** Splits at commas outside parentheses and string literals. */
    static List<String> splitTopLevel(String body) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        boolean inString = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\'') {
                inString = !inString;
            } else if (!inString && c == '(') {
                depth++;
            } else if (!inString && c == ')') {
                depth--;
            } else if (!inString && c == ',' && depth == 0) {
                out.add(body.substring(start, i));
                start = i + 1;
            }
        }
        out.add(body.substring(start));
        return out;
    }
}
