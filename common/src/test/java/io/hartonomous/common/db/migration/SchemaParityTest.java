package io.hartonomous.common.db.migration;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.hartonomous.common.testing.TestingPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two dialects describe the same model: the same tables, the same columns (names compared
 * case-insensitively), the same nullability, the same type family and the same width, identity and
 * computed-ness — except the dialect-only columns documented in {@link #SQL_SERVER_ONLY} and
 * {@link #POSTGRESQL_ONLY}, each with its reason.
 *
 * <p>PostgreSQL is read from {@code information_schema.columns} of a really migrated database.
 * SQL Server is read from the CREATE TABLE statements of the T-SQL scripts with jsqlparser; where
 * jsqlparser cannot read a statement, from the statement reduced by {@link TsqlCreateTable} (which
 * takes out only documented T-SQL-only clauses, and hands back the computed columns it took out —
 * a computed column has the type of its expression's outer CAST, or GEOMETRY for a
 * {@code geometry::} constructor).
 */
class SchemaParityTest {

    /** Columns that exist only on SQL Server: GEOMETRY / VECTOR / HIERARCHYID mirrors. */
    static final Map<String, String> SQL_SERVER_ONLY = Map.ofEntries(
            entry("dbo.Concept.CentroidSpatialKey",
                    "HIERARCHYID hierarchical key of the centroid; portable CentroidX/Y/Z hold the position"),
            entry("dbo.Concept.Domain", "GEOMETRY mirror of DomainWkt (Voronoi cell) for the spatial index"),
            entry("dbo.AtomComposition.Position",
                    "GEOMETRY mirror of PositionX/Y/Z/M for the spatial index"),
            entry("dbo.AtomRelation.SpatialExpression",
                    "GEOMETRY form of the relation for the spatial index; CoordX..CoordW are portable"),
            entry("dbo.AtomRelations_History.SpatialExpression",
                    "history table of dbo.AtomRelation: SQL Server requires the same columns"),
            entry("dbo.ModelLayer.WeightsGeometry", "GEOMETRY representation of the layer, SQL Server spatial only"),
            entry("dbo.TensorAtomCoefficient.SpatialKey",
                    "computed geometry::Point(PositionX, PositionY, 0) for the spatial index"),
            entry("dbo.TensorAtomCoefficients_History.SpatialKey",
                    "history table of dbo.TensorAtomCoefficient: SQL Server requires the same columns"),
            entry("dbo.AtomEmbedding.SpatialKey",
                    "GEOMETRY mirror of SpatialX/Y/Z + HilbertValue for the spatial index"),
            entry("dbo.AtomEmbedding.EmbeddingVector",
                    "VECTOR(384) mirror of EmbeddingBytes (little-endian float32) for VECTOR_DISTANCE"),
            entry("dbo.AtomEmbeddingComponent.SpatialKey",
                    "GEOMETRY Point(value, index) mirror of ComponentValue/DimensionIndex for the spatial index"),
            entry("provenance.Concepts.ConceptDomain", "GEOMETRY mirror of DomainWkt for the spatial index"),
            entry("provenance.Concepts.CentroidSpatialKey",
                    "GEOMETRY mirror of CentroidX/Y/Z for the spatial index"));

    /** Columns that exist only on PostgreSQL. */
    static final Map<String, String> POSTGRESQL_ONLY = Map.ofEntries(
            entry("graph.AtomEdge.FromAtomId", "a plain table has no $from_id: the edge names its source node"),
            entry("graph.AtomEdge.ToAtomId", "a plain table has no $to_id: the edge names its target node"),
            entry("dbo.Atom.IsDead", "stored flag (ReferenceCount = 0) for the dead-atom index: an index on "
                    + "ReferenceCount itself would keep every count change from being a HOT update (V15); "
                    + "SQL Server filters its index on ReferenceCount"),
            entry("dbo.AtomHistory.IsDead", "history table of dbo.Atom: the versioning trigger copies rows positionally"));

    /** Types that only SQL Server has; every column of such a type must be in SQL_SERVER_ONLY. */
    static final Set<String> SQL_SERVER_ONLY_TYPES = Set.of("GEOMETRY", "GEOGRAPHY", "HIERARCHYID", "VECTOR");

    /**
     * One column, in dialect-neutral terms. {@code family}: integer, decimal, float, binary, text,
     * timestamp, uuid, boolean (or the SQL Server type for SQL-Server-only types). {@code width}: the
     * PostgreSQL type the brief's mapping gives (bigint, numeric(5,4), character varying(50), text, …).
     */
    record Column(String family, String width, boolean nullable, boolean identity, boolean computed) {
    }

    static Map<String, Map<String, Column>> postgres;
    static Map<String, Map<String, Column>> sqlServer;
    static Map<String, Map<String, Integer>> sqlServerBinaryLengths = new TreeMap<>();
    static Set<String> sqlServerHistoryTables = new TreeSet<>();
    static Map<String, List<String>> postgresChecks = new TreeMap<>();

    @BeforeAll
    static void readBothSides() throws SQLException {
        TestingPostgres.Database db = TestingPostgres.freshDatabase("schema_parity");
        Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations(PostgresMigrationTest.LOCATION).load().migrate();
        postgres = readPostgres(db);
        sqlServer = readSqlServer();
    }

    @Test
    void sameTables() {
        assertThat(sqlServer.keySet()).isEqualTo(postgres.keySet());
        assertThat(sqlServer).hasSize(PostgresMigrationTest.EXPECTED_TABLES.size());
    }

    @Test
    void sameColumnsExceptTheDocumentedDialectOnlyOnes() {
        List<String> failures = new ArrayList<>();
        for (String table : union(sqlServer.keySet(), postgres.keySet())) {
            Map<String, Column> ss = sqlServer.getOrDefault(table, Map.of());
            Map<String, Column> pg = postgres.getOrDefault(table, Map.of());
            for (String column : union(ss.keySet(), pg.keySet())) {
                String key = table + "." + column;
                boolean inSs = ss.containsKey(column);
                boolean inPg = pg.containsKey(column);
                if (inSs && !inPg && !documented(SQL_SERVER_ONLY, key)) {
                    failures.add(key + " exists on SQL Server only and is not documented in SQL_SERVER_ONLY");
                } else if (inPg && !inSs && !documented(POSTGRESQL_ONLY, key)) {
                    failures.add(key + " exists on PostgreSQL only and is not documented in POSTGRESQL_ONLY");
                } else if (inSs && inPg) {
                    if (documented(SQL_SERVER_ONLY, key) || documented(POSTGRESQL_ONLY, key)) {
                        failures.add(key + " exists in both dialects but is documented as dialect-only");
                    }
                    Column s = ss.get(column);
                    Column p = pg.get(column);
                    if (!s.family().equals(p.family())) {
                        failures.add(key + ": type family " + s.family() + " on SQL Server, " + p.family() + " on PostgreSQL");
                    }
                    if (!s.width().equals(p.width())) {
                        failures.add(key + ": maps to " + s.width() + " from SQL Server, but is " + p.width() + " on PostgreSQL");
                    }
                    if (s.nullable() != p.nullable()) {
                        failures.add(key + ": " + (s.nullable() ? "NULL" : "NOT NULL") + " on SQL Server, "
                                + (p.nullable() ? "NULL" : "NOT NULL") + " on PostgreSQL");
                    }
                    if (s.identity() != p.identity()) {
                        failures.add(key + ": identity " + s.identity() + " on SQL Server, " + p.identity() + " on PostgreSQL");
                    }
                    if (s.computed() != p.computed()) {
                        failures.add(key + ": computed " + s.computed() + " on SQL Server, generated " + p.computed()
                                + " on PostgreSQL");
                    }
                }
            }
        }
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
    }

    @Test
    void dialectOnlyListsAreExactAndJustified() {
        for (Map.Entry<String, String> e : SQL_SERVER_ONLY.entrySet()) {
            String[] parts = split(e.getKey());
            Column column = sqlServer.getOrDefault(parts[0], Map.of()).get(parts[1]);
            assertThat(column).as("documented SQL-Server-only column %s exists on SQL Server", e.getKey()).isNotNull();
            assertThat(postgres.getOrDefault(parts[0], Map.of())).as("%s is absent on PostgreSQL", e.getKey())
                    .doesNotContainKey(parts[1]);
            assertThat(SQL_SERVER_ONLY_TYPES).as("%s mirrors with a SQL-Server-only type", e.getKey())
                    .contains(column.family());
            assertThat(e.getValue()).isNotBlank();
        }
        for (Map.Entry<String, String> e : POSTGRESQL_ONLY.entrySet()) {
            String[] parts = split(e.getKey());
            assertThat(postgres.getOrDefault(parts[0], Map.of())).as("%s exists on PostgreSQL", e.getKey())
                    .containsKey(parts[1]);
            assertThat(sqlServer.getOrDefault(parts[0], Map.of())).as("%s is absent on SQL Server", e.getKey())
                    .doesNotContainKey(parts[1]);
            assertThat(e.getValue()).isNotBlank();
        }
        // every column of a SQL-Server-only type is a documented mirror
        sqlServer.forEach((table, columns) -> columns.forEach((name, column) -> {
            if (SQL_SERVER_ONLY_TYPES.contains(column.family())) {
                assertThat(documented(SQL_SERVER_ONLY, table + "." + name))
                        .as("%s.%s of type %s is documented in SQL_SERVER_ONLY", table, name, column.family()).isTrue();
            }
        }));
    }

    @Test
    void fixedLengthBinaryColumnsAreCheckedOnPostgres() {
        // BINARY(n) -> BYTEA CHECK (octet_length(x) = n); VARBINARY(n) -> BYTEA CHECK (… <= n).
        // History tables have no constraints in either dialect.
        List<String> failures = new ArrayList<>();
        sqlServerBinaryLengths.forEach((table, columns) -> {
            if (sqlServerHistoryTables.contains(table)) {
                return;
            }
            List<String> checks = postgresChecks.getOrDefault(table, List.of());
            columns.forEach((column, length) -> {
                boolean fixed = length > 0;
                int n = Math.abs(length);
                String call = "octet_length(" + column + ")";
                boolean ok = checks.stream().anyMatch(check -> check.contains(call)
                        && (fixed ? check.contains(call + " = " + n) : check.contains(call + " <= " + n)));
                if (!ok) {
                    failures.add(table + "." + column + " (" + (fixed ? "BINARY(" : "VARBINARY(") + n
                            + ")) has no length CHECK on PostgreSQL; checks: " + checks);
                }
            });
        });
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
    }

    // ------------------------------------------------------------------ PostgreSQL side

    static Map<String, Map<String, Column>> readPostgres(TestingPostgres.Database db) throws SQLException {
        Map<String, Map<String, Column>> tables = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("""
                    SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.character_maximum_length,
                           c.numeric_precision, c.numeric_scale, c.is_nullable, c.is_identity, c.is_generated
                    FROM information_schema.columns c
                    JOIN information_schema.tables t
                      ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
                    WHERE c.table_schema IN ('dbo', 'provenance', 'graph', 'ref')
                    ORDER BY c.table_schema, c.table_name, c.ordinal_position""")) {
                while (rs.next()) {
                    String table = (rs.getString(1) + "." + rs.getString(2)).toLowerCase(Locale.ROOT);
                    String type = rs.getString(4);
                    String width = switch (type) {
                        case "character varying" -> "character varying(" + rs.getInt(5) + ")";
                        case "numeric" -> "numeric(" + rs.getInt(6) + "," + rs.getInt(7) + ")";
                        default -> type;
                    };
                    Column column = new Column(postgresFamily(type), width, "YES".equals(rs.getString(8)),
                            "YES".equals(rs.getString(9)), "ALWAYS".equals(rs.getString(10)));
                    tables.computeIfAbsent(table, k -> new TreeMap<>()).put(rs.getString(3).toLowerCase(Locale.ROOT), column);
                }
            }
            try (ResultSet rs = s.executeQuery("""
                    SELECT n.nspname || '.' || t.relname, pg_get_constraintdef(k.oid)
                    FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                    WHERE k.contype = 'c' AND n.nspname IN ('dbo', 'provenance', 'graph', 'ref')""")) {
                while (rs.next()) {
                    postgresChecks.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return tables;
    }

    static String postgresFamily(String type) {
        return switch (type) {
            case "smallint", "integer", "bigint" -> "integer";
            case "numeric" -> "decimal";
            case "real", "double precision" -> "float";
            case "bytea" -> "binary";
            case "character varying", "text" -> "text";
            case "timestamp without time zone" -> "timestamp";
            case "uuid" -> "uuid";
            case "boolean" -> "boolean";
            default -> throw new AssertionError("PostgreSQL type outside the mapping: " + type);
        };
    }

    // ------------------------------------------------------------------ SQL Server side

    private static final Pattern OUTER_CAST = Pattern.compile("(?is)^CAST\\s*\\((.*)\\s+AS\\s+(\\w+(?:\\s*\\([^)]*\\))?)\\s*\\)$");
    private static final Pattern CLR_CONSTRUCTOR = Pattern.compile("(?i)^(geometry|geography|hierarchyid)::\\w+\\s*\\(.*\\)$");

    static Map<String, Map<String, Column>> readSqlServer() {
        Map<String, Map<String, Column>> tables = new TreeMap<>();
        for (TsqlScripts.Statement statement : TsqlScripts.allStatements()) {
            String sql = statement.text();
            if (ALTER_ADD.matcher(sql).find()) {
                addAlteredColumns(sql, tables);
                continue;
            }
            Matcher alterColumn = ALTER_COLUMN.matcher(sql.strip());
            if (alterColumn.matches()) {
                alterColumn(alterColumn, tables);
                continue;
            }
            Matcher dropColumn = DROP_COLUMN.matcher(sql.strip());
            if (dropColumn.matches()) {
                String table = dropColumn.group(1).toLowerCase(Locale.ROOT);
                String name = dropColumn.group(2).toLowerCase(Locale.ROOT);
                assertThat(tables.getOrDefault(table, Map.of())).as("%s.%s exists before it is dropped", table, name)
                        .containsKey(name);
                tables.get(table).remove(name);
                continue;
            }
            if (!TsqlCreateTable.isCreateTable(sql)) {
                continue;
            }
            String table = TsqlCreateTable.tableName(sql).toLowerCase(Locale.ROOT);
            TsqlCreateTable.Reduced reduced = TsqlCreateTable.reduce(sql);
            reduced.historyTable().ifPresent(h -> sqlServerHistoryTables.add(h.toLowerCase(Locale.ROOT)));
            // jsqlparser where it reads the statement itself, else the documented reduction
            boolean native_ = JSql.whyNotParsed(sql).isEmpty();
            CreateTable parsed = JSql.parseCreateTable(native_ ? sql : reduced.sql());
            Map<String, Column> columns = new TreeMap<>();
            for (ColumnDefinition definition : parsed.getColumnDefinitions()) {
                addSqlServerColumn(table, definition, columns);
            }
            if (!native_) {
                for (TsqlCreateTable.ComputedColumn computed : reduced.computedColumns()) {
                    String name = computed.name().toLowerCase(Locale.ROOT);
                    String expression = computed.expression().trim();
                    Matcher cast = OUTER_CAST.matcher(expression);
                    Matcher clr = CLR_CONSTRUCTOR.matcher(expression);
                    String type;
                    if (cast.matches()) {
                        type = cast.group(2).toUpperCase(Locale.ROOT).replaceAll("\\s+", "");
                    } else if (clr.matches()) {
                        type = clr.group(1).toUpperCase(Locale.ROOT);
                    } else {
                        throw new AssertionError("cannot tell the type of computed column " + table + "." + name
                                + " = " + expression + " (wrap it in CAST(... AS type))");
                    }
                    columns.put(name, sqlServerColumn(table + "." + name, type, !computed.notNull(), false, true));
                }
            }
            assertThat(tables.put(table, columns)).as("%s is created once", table).isNull();
        }
        return tables;
    }

    /** {@code ALTER TABLE t DROP COLUMN c}: a later migration removing a column. */
    private static final Pattern DROP_COLUMN = Pattern.compile("(?is)^ALTER\\s+TABLE\\s+([\\w.]+)\\s+DROP\\s+COLUMN\\s+(\\w+)\\s*;?$");

    private static final Pattern ALTER_COLUMN = Pattern.compile(
            "(?is)^ALTER\\s+TABLE\\s+([\\w.]+)\\s+ALTER\\s+COLUMN\\s+(\\w+)\\s+(\\w+(?:\\s*\\([^)]*\\))?)\\s+(NOT\\s+NULL|NULL)\\s*;?$");

    /** {@code ALTER TABLE t ALTER COLUMN c type [NOT] NULL}: the column is redefined (a later migration relaxing a column). */
    static void alterColumn(Matcher m, Map<String, Map<String, Column>> tables) {
        String table = m.group(1).toLowerCase(Locale.ROOT);
        Map<String, Column> columns = tables.get(table);
        assertThat(columns).as("%s is created before it is altered", table).isNotNull();
        String name = m.group(2).toLowerCase(Locale.ROOT);
        assertThat(columns.remove(name)).as("%s.%s exists before it is altered", table, name).isNotNull();
        String type = m.group(3).toUpperCase(Locale.ROOT).replaceAll("\\s+", "");
        columns.put(name, sqlServerColumn(table + "." + name, type, !m.group(4).toUpperCase(Locale.ROOT).startsWith("NOT"), false, false));
    }

    private static final Pattern ALTER_ADD = Pattern.compile("(?is)^ALTER\\s+TABLE\\s+[\\w.]+\\s+ADD\\s+(?!CONSTRAINT\\b)");

    /**
     * {@code ALTER TABLE t ADD c1 type NULL, c2 …} (a later migration adding columns to a table an
     * earlier one created): the columns join the table as if it had been created with them. The
     * statement must parse strictly ({@link SqlServerMigrationParseTest} checks that too).
     */
    static void addAlteredColumns(String sql, Map<String, Map<String, Column>> tables) {
        net.sf.jsqlparser.statement.alter.Alter alter;
        try {
            assertThat(JSql.whyNotParsed(sql)).as("ALTER TABLE … ADD parses: %s", sql).isEmpty();
            alter = (net.sf.jsqlparser.statement.alter.Alter) JSql.parse(sql);
        } catch (net.sf.jsqlparser.JSQLParserException e) {
            throw new AssertionError(e);
        }
        String table = alter.getTable().getFullyQualifiedName().toLowerCase(Locale.ROOT);
        Map<String, Column> columns = tables.get(table);
        assertThat(columns).as("%s is created before it is altered", table).isNotNull();
        for (net.sf.jsqlparser.statement.alter.AlterExpression expression : alter.getAlterExpressions()) {
            assertThat(expression.getOperation()).as("jsqlparser read every part of %s", sql)
                    .isNotEqualTo(net.sf.jsqlparser.statement.alter.AlterOperation.UNSPECIFIC);
            if (expression.getColDataTypeList() == null) {
                continue; // an added constraint, not a column
            }
            for (net.sf.jsqlparser.statement.alter.AlterExpression.ColumnDataType added : expression.getColDataTypeList()) {
                ColumnDefinition definition = new ColumnDefinition(added.getColumnName(), added.getColDataType(),
                        added.getColumnSpecs());
                addSqlServerColumn(table, definition, columns);
            }
        }
    }

    private static void addSqlServerColumn(String table, ColumnDefinition definition, Map<String, Column> columns) {
        String name = definition.getColumnName().toLowerCase(Locale.ROOT);
        String specs = String.join(" ", Optional.ofNullable(definition.getColumnSpecs()).orElse(List.of()))
                .toUpperCase(Locale.ROOT);
        Boolean nullable = specs.contains("NOT NULL") ? Boolean.FALSE : specs.matches("(^|.* )NULL( .*|$)") ? Boolean.TRUE : null;
        assertThat(nullable).as("%s.%s states NULL or NOT NULL explicitly", table, name).isNotNull();
        String type = definition.getColDataType().getDataType().toUpperCase(Locale.ROOT).replaceAll("\\s+", "");
        List<String> args = definition.getColDataType().getArgumentsStringList();
        if (args != null && !args.isEmpty()) {
            type = type + "(" + String.join(",", args) + ")";
        }
        Column column = sqlServerColumn(table + "." + name, type, nullable, specs.contains("IDENTITY"), false);
        assertThat(columns.put(name, column)).as("%s.%s is defined once", table, name).isNull();
        Matcher binary = Pattern.compile("^(VAR)?BINARY\\((\\d+)\\)$").matcher(type);
        if (binary.matches()) {
            int length = Integer.parseInt(binary.group(2));
            sqlServerBinaryLengths.computeIfAbsent(table, k -> new TreeMap<>())
                    .put(name, binary.group(1) == null ? length : -length);
        }
    }

    /** Family and PostgreSQL width of a T-SQL type, by the mapping of the migrations' header comments. */
    static Column sqlServerColumn(String where, String type, boolean nullable, boolean identity, boolean computed) {
        String base = type.replaceAll("\\(.*", "");
        String args = type.contains("(") ? type.substring(type.indexOf('(') + 1, type.lastIndexOf(')')) : "";
        String family;
        String width;
        switch (base) {
            case "BIGINT" -> { family = "integer"; width = "bigint"; }
            case "INT" -> { family = "integer"; width = "integer"; }
            case "SMALLINT" -> { family = "integer"; width = "smallint"; }
            case "DECIMAL", "NUMERIC" -> { family = "decimal"; width = "numeric(" + args.replace(" ", "") + ")"; }
            case "REAL" -> { family = "float"; width = "real"; }
            case "FLOAT" -> { family = "float"; width = "double precision"; }
            case "BINARY", "VARBINARY" -> { family = "binary"; width = "bytea"; }
            case "VARCHAR", "NVARCHAR" -> {
                family = "text";
                width = args.equalsIgnoreCase("MAX") ? "text" : "character varying(" + args + ")";
            }
            case "DATETIME2" -> { family = "timestamp"; width = "timestamp without time zone"; }
            case "UNIQUEIDENTIFIER" -> { family = "uuid"; width = "uuid"; }
            case "BIT" -> { family = "boolean"; width = "boolean"; }
            case "GEOMETRY", "GEOGRAPHY", "HIERARCHYID", "VECTOR" -> { family = base; width = base; }
            default -> throw new AssertionError(where + ": T-SQL type outside the mapping: " + type);
        }
        return new Column(family, width, nullable, identity, computed);
    }

    // ------------------------------------------------------------------ helpers

    static boolean documented(Map<String, String> list, String key) {
        return list.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(key));
    }

    static String[] split(String key) {
        int dot = key.lastIndexOf('.');
        return new String[] {key.substring(0, dot).toLowerCase(Locale.ROOT), key.substring(dot + 1).toLowerCase(Locale.ROOT)};
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
