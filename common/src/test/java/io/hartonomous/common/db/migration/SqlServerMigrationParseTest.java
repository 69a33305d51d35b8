package io.hartonomous.common.db.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.hartonomous.common.db.migration.TsqlScripts.Statement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No SQL Server runs here, so the T-SQL migrations are checked by a parser. Every statement of
 * every script under {@code db/migration/sqlserver} is split out (batches at {@code GO}, statements
 * at {@code ;}) and must either parse with jsqlparser in the strict sense of {@link JSql}, or be
 * listed verbatim (comments stripped, whitespace collapsed) with a {@code -- why:} line in the golden
 * file {@value #GOLDEN}. A golden entry that matches no statement, or a statement that parses yet is
 * still listed, fails the test too: the list is exactly the statements the parser cannot read.
 *
 * <p>The listed statements are not simply trusted. Each kind gets the deepest check it can:
 * a CREATE TABLE must parse once the documented T-SQL-only clauses are taken out
 * ({@link TsqlCreateTable}), and those clauses are checked on their own (computed-column expressions
 * parse, period columns exist, the history table and the connected node tables are created by the
 * scripts); a columnstore index must parse as a plain index over the same columns; a spatial index
 * with {@code USING GEOMETRY_GRID} must parse without that clause; an {@code IF … BEGIN … END} must
 * parse with nothing but the documented {@code ALTER DATABASE} statements unsupported inside it.
 * An unlisted kind has no deeper check and the test says so in its output.
 */
class SqlServerMigrationParseTest {

    static final String GOLDEN = "sqlserver/unparsed-statements.sql";

    private static final Pattern COLUMNSTORE =
            Pattern.compile("(?is)^CREATE\\s+NONCLUSTERED\\s+COLUMNSTORE\\s+INDEX\\s+(\\w+\\s+ON\\s+[\\w.]+\\s*\\([^)]*\\))$");
    private static final Pattern SPATIAL_USING =
            Pattern.compile("(?is)^(CREATE\\s+SPATIAL\\s+INDEX\\s+\\w+\\s+ON\\s+[\\w.]+\\s*\\(\\w+\\))\\s+USING\\s+GEOMETRY_GRID\\s+(WITH\\s*\\(.*\\))$");
    private static final Pattern IF_BLOCK = Pattern.compile("(?is)^IF\\s+.*\\s+BEGIN\\s+.*\\s+END$");
    private static final Pattern CLR_STATIC_CALL = Pattern.compile("(?i)\\b(geometry|geography|hierarchyid)::(\\w+)\\s*\\(");

    record GoldenEntry(String why, String statement) {
    }

    static List<Statement> statements;
    static Map<String, GoldenEntry> golden;

    @BeforeAll
    static void load() {
        statements = TsqlScripts.allStatements();
        golden = readGolden();
    }

    @Test
    void everyStatementParsesOrIsListedInTheGoldenFileAndNothingElseIsListed() {
        List<String> failures = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int parsed = 0;
        for (Statement statement : statements) {
            seen.add(statement.text());
            Optional<String> problem = JSql.whyNotParsed(statement.text());
            boolean listed = golden.containsKey(statement.text());
            if (problem.isEmpty()) {
                parsed++;
                if (listed) {
                    failures.add("parses now, remove it from " + GOLDEN + ":\n  " + statement.text());
                }
            } else if (!listed) {
                failures.add("cannot be parsed (" + problem.get() + ") and is not listed in " + GOLDEN
                        + "\n  " + statement);
            }
        }
        for (String stale : golden.keySet()) {
            if (!seen.contains(stale)) {
                failures.add(GOLDEN + " lists a statement that no script contains any more:\n  " + stale);
            }
        }
        System.out.printf("T-SQL migrations: %d statements, %d parsed by jsqlparser, %d listed as unparsable%n",
                statements.size(), parsed, statements.size() - parsed);
        assertThat(failures).as(String.join("\n\n", failures)).isEmpty();
    }

    @Test
    void goldenEntriesExplainThemselves() {
        assertThat(golden).isNotEmpty();
        golden.values().forEach(entry -> assertThat(entry.why()).as("why of %s", entry.statement()).isNotBlank());
    }

    @Test
    void listedStatementsPassTheirDeeperCheck() {
        Set<String> createdTables = new HashSet<>();
        Set<String> nodeTables = new HashSet<>();
        for (Statement statement : statements) {
            if (TsqlCreateTable.isCreateTable(statement.text())) {
                TsqlCreateTable.Reduced reduced = TsqlCreateTable.reduce(statement.text());
                createdTables.add(reduced.table().toLowerCase(Locale.ROOT));
                if (reduced.graphKind().filter("NODE"::equals).isPresent()) {
                    nodeTables.add(reduced.table().toLowerCase(Locale.ROOT));
                }
            }
        }
        List<String> failures = new ArrayList<>();
        Map<String, String> report = new LinkedHashMap<>();
        for (Statement statement : statements) {
            String sql = statement.text();
            if (!golden.containsKey(sql)) {
                continue;
            }
            Matcher m;
            if (TsqlCreateTable.isCreateTable(sql)) {
                report.put(sql, checkCreateTable(sql, createdTables, nodeTables, failures));
            } else if ((m = COLUMNSTORE.matcher(sql)).matches()) {
                String plain = "CREATE INDEX " + m.group(1);
                JSql.whyNotParsed(plain).ifPresent(p -> failures.add(p + "\n  in: " + plain));
                report.put(sql, "parsed as a plain index over the same columns: " + plain);
            } else if ((m = SPATIAL_USING.matcher(sql)).matches()) {
                String auto = m.group(1) + " " + m.group(2);
                JSql.whyNotParsed(auto).ifPresent(p -> failures.add(p + "\n  in: " + auto));
                report.put(sql, "parsed without USING GEOMETRY_GRID: " + auto);
            } else if (IF_BLOCK.matcher(sql).matches()) {
                try {
                    List<String> unsupported = JSql.unsupportedParts(sql);
                    if (unsupported.isEmpty() || !unsupported.stream().allMatch(u -> u.startsWith("ALTER DATABASE"))) {
                        failures.add("IF block: expected only ALTER DATABASE to be unsupported inside, got "
                                + unsupported + "\n  in: " + sql);
                    }
                    report.put(sql, "parsed as IF … BEGIN … END; unsupported inside: " + unsupported);
                } catch (Exception e) {
                    failures.add("IF block does not parse: " + e.getMessage() + "\n  in: " + sql);
                }
            } else {
                report.put(sql, "no deeper check (listed only)");
            }
        }
        report.forEach((sql, how) -> System.out.println("unparsed: " + abbreviate(sql) + "\n    checked: " + how));
        assertThat(failures).as(String.join("\n\n", failures)).isEmpty();
    }

    private static String checkCreateTable(String sql, Set<String> createdTables, Set<String> nodeTables,
                                           List<String> failures) {
        TsqlCreateTable.Reduced reduced = TsqlCreateTable.reduce(sql);
        Optional<String> problem = JSql.whyNotParsed(reduced.sql());
        if (problem.isPresent()) {
            failures.add("the reduced CREATE TABLE " + reduced.table() + " does not parse either (" + problem.get()
                    + ")\n  reduced: " + reduced.sql());
            return "reduced statement does not parse";
        }
        CreateTable table = JSql.parseCreateTable(reduced.sql());
        Set<String> columns = new HashSet<>();
        for (ColumnDefinition column : table.getColumnDefinitions()) {
            columns.add(column.getColumnName().toLowerCase(Locale.ROOT));
        }
        for (TsqlCreateTable.ComputedColumn computed : reduced.computedColumns()) {
            columns.add(computed.name().toLowerCase(Locale.ROOT));
            // jsqlparser would read geometry::Point(…) as a PostgreSQL cast; as a function call its
            // arguments are really parsed.
            String expression = CLR_STATIC_CALL.matcher(computed.expression()).replaceAll("$1_$2(");
            try {
                CCJSqlParserUtil.parseExpression(expression, false, p -> p.withSquareBracketQuotation(true));
            } catch (Exception e) {
                failures.add("computed column " + reduced.table() + "." + computed.name() + " = "
                        + computed.expression() + " does not parse: " + e.getMessage());
            }
            if (!computed.persisted()) {
                failures.add("computed column " + reduced.table() + "." + computed.name()
                        + " must be PERSISTED (it is indexed or mirrored)");
            }
        }
        for (String period : reduced.periodColumns()) {
            if (!columns.contains(period.toLowerCase(Locale.ROOT))) {
                failures.add(reduced.table() + ": PERIOD FOR SYSTEM_TIME names a column it lacks: " + period);
            }
        }
        if (reduced.rules().contains(TsqlCreateTable.PERIOD) != reduced.historyTable().isPresent()) {
            failures.add(reduced.table() + ": PERIOD FOR SYSTEM_TIME and SYSTEM_VERSIONING (HISTORY_TABLE) go together");
        }
        reduced.historyTable().ifPresent(history -> {
            if (!createdTables.contains(history.toLowerCase(Locale.ROOT))) {
                failures.add(reduced.table() + ": history table " + history + " is not created by the scripts");
            }
        });
        for (String connected : reduced.connectedTables()) {
            if (!nodeTables.contains(connected.toLowerCase(Locale.ROOT))) {
                failures.add(reduced.table() + ": CONNECTION names " + connected + ", which is no NODE table");
            }
        }
        if (!reduced.connectedTables().isEmpty() && !reduced.graphKind().filter("EDGE"::equals).isPresent()) {
            failures.add(reduced.table() + ": a CONNECTION constraint needs an AS EDGE table");
        }
        return "body parsed after taking out " + reduced.rules()
                + reduced.historyTable().map(h -> "; history table " + h + " exists").orElse("")
                + (reduced.computedColumns().isEmpty() ? "" : "; computed expressions parsed");
    }

    /** Reads the golden file: entries of a {@code -- why:} line followed by one statement. */
    static Map<String, GoldenEntry> readGolden() {
        String text;
        try (InputStream in = SqlServerMigrationParseTest.class.getClassLoader().getResourceAsStream(GOLDEN)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + GOLDEN);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, GoldenEntry> entries = new LinkedHashMap<>();
        String why = null;
        StringBuilder statement = new StringBuilder();
        for (String line : (text + "\n-- why: <end>").lines().toList()) {
            String trimmed = line.trim();
            if (trimmed.startsWith("-- why:")) {
                if (why != null) {
                    String canonical = TsqlScripts.normalize(statement.toString());
                    if (canonical.isEmpty()) {
                        throw new IllegalStateException(GOLDEN + ": a why without a statement: " + why);
                    }
                    if (entries.put(canonical, new GoldenEntry(why, canonical)) != null) {
                        throw new IllegalStateException(GOLDEN + " lists a statement twice: " + canonical);
                    }
                }
                why = trimmed.substring("-- why:".length()).trim();
                statement.setLength(0);
            } else if (trimmed.startsWith("--")) {
                continue; // file commentary
            } else if (!trimmed.isEmpty()) {
                if (why == null) {
                    throw new IllegalStateException(GOLDEN + ": statement text before the first -- why: line: " + line);
                }
                statement.append(line).append('\n');
            }
        }
        return entries;
    }

    private static String abbreviate(String sql) {
        return sql.length() <= 110 ? sql : sql.substring(0, 107) + "...";
    }
}
