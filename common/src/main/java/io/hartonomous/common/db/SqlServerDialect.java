package io.hartonomous.common.db;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * SQL Server: {@code @pn}, insert-if-absent by {@code NOT EXISTS} under {@code UPDLOCK, HOLDLOCK}
 * (a key-range lock, so two concurrent inserts of the same key serialize), upsert by
 * {@code MERGE … WITH (HOLDLOCK)}, {@code OUTPUT INSERTED.x}, bulk by one {@code OPENJSON}
 * document (binary as hex, decoded with {@code CONVERT(…, 2)}).
 */
public final class SqlServerDialect implements SqlDialect {

    private static final HexFormat HEX = HexFormat.of();
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

    @Override
    public DbKind kind() {
        return DbKind.SQLSERVER;
    }

    @Override
    public String render(String portableSql) {
        return Placeholders.rewrite(portableSql, true, n -> "@p" + n);
    }

    @Override
    public String insertReturning(String table, List<String> columns, List<String> returning) {
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") OUTPUT "
                + returning.stream().map(c -> "INSERTED." + c).collect(Collectors.joining(", "))
                + " VALUES (" + params(columns.size()) + ")";
    }

    @Override
    public String insertSelectReturning(String table, List<String> columns, String select, List<String> returning) {
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") OUTPUT "
                + returning.stream().map(c -> "INSERTED." + c).collect(Collectors.joining(", ")) + " " + render(select);
    }

    @Override
    public String insertIfAbsent(String table, List<String> columns, List<String> key) {
        Sql.requireSubset(columns, key);
        String match = key.stream().map(k -> "e." + k + " = @p" + (columns.indexOf(k) + 1))
                .collect(Collectors.joining(" AND "));
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") SELECT " + params(columns.size())
                + " WHERE NOT EXISTS (SELECT 1 FROM " + table + " AS e WITH (UPDLOCK, HOLDLOCK) WHERE " + match + ")";
    }

    @Override
    public String upsert(String table, List<String> columns, List<String> key, List<String> update) {
        Sql.requireSubset(columns, key);
        Sql.requireSubset(columns, update);
        String source = IntStream.range(0, columns.size())
                .mapToObj(i -> "@p" + (i + 1) + " AS " + columns.get(i)).collect(Collectors.joining(", "));
        return "MERGE INTO " + table + " WITH (HOLDLOCK) AS t USING (SELECT " + source + ") AS s ON "
                + key.stream().map(k -> "t." + k + " = s." + k).collect(Collectors.joining(" AND "))
                + (update.isEmpty() ? "" : " WHEN MATCHED THEN UPDATE SET "
                + update.stream().map(c -> "t." + c + " = s." + c).collect(Collectors.joining(", ")))
                + " WHEN NOT MATCHED THEN INSERT (" + String.join(", ", columns) + ") VALUES ("
                + columns.stream().map(c -> "s." + c).collect(Collectors.joining(", ")) + ");";
    }

    @Override
    public BulkInsert bulkInsert(String table, List<Column> columns, List<String> ignoreConflictsOn) {
        return insertSelect(table, TableStorage.DISK, columns, ignoreConflictsOn, "");
    }

    /**
     * {@code OUTPUT INSERTED.x} reports exactly the inserted rows. A memory-optimized table rejects
     * {@code UPDLOCK, HOLDLOCK}: its probe reads {@code WITH (SNAPSHOT)}, and a concurrent insert of
     * the same key fails at commit with a unique-key violation (2627) or a write conflict (41302,
     * 41325), which the caller retries (see {@link SqlDialect#bulkInsertReturning}).
     */
    @Override
    public BulkInsert bulkInsertReturning(String table, TableStorage storage, List<Column> columns,
                                          List<String> ignoreConflictsOn, List<String> returning) {
        if (returning.isEmpty()) {
            throw new IllegalArgumentException("returning names no column");
        }
        String output = " OUTPUT " + returning.stream().map(c -> "INSERTED." + c).collect(Collectors.joining(", "));
        return insertSelect(table, storage, columns, ignoreConflictsOn, output);
    }

    private BulkInsert insertSelect(String table, TableStorage storage, List<Column> columns,
                                    List<String> ignoreConflictsOn, String output) {
        List<String> names = columns.stream().map(Column::name).toList();
        Sql.requireSubset(names, ignoreConflictsOn);
        String hint = storage == TableStorage.MEMORY_OPTIMIZED ? "WITH (SNAPSHOT)" : "WITH (UPDLOCK, HOLDLOCK)";
        String sql = "INSERT INTO " + table + " (" + String.join(", ", names) + ")" + output + " SELECT "
                + names.stream().map(n -> "s." + n).collect(Collectors.joining(", "))
                + " FROM " + jsonSource(columns)
                + (ignoreConflictsOn.isEmpty() ? "" : " WHERE NOT EXISTS (SELECT 1 FROM " + table
                + " AS e " + hint + " WHERE "
                + ignoreConflictsOn.stream().map(k -> "e." + k + " = s." + k).collect(Collectors.joining(" AND ")) + ")");
        return new BulkInsert(sql, columns, rows -> List.of(json(columns, rows)));
    }

    /**
     * {@code MERGE … WITH (HOLDLOCK)} over the {@code OPENJSON} rows: the key-range lock makes two
     * concurrent upserts of a new key serialize instead of both inserting. {@code MAX} is a
     * {@code CASE} (GREATEST needs SQL Server 2022).
     */
    @Override
    public BulkInsert bulkUpsert(String table, List<Column> columns, List<String> key, List<ColumnUpdate> updates) {
        List<String> names = columns.stream().map(Column::name).toList();
        Sql.requireSubset(names, key);
        Sql.requireSubset(names, updates.stream().map(ColumnUpdate::column).toList());
        if (key.isEmpty()) {
            throw new IllegalArgumentException("an upsert needs a key");
        }
        String sql = "MERGE INTO " + table + " WITH (HOLDLOCK) AS t USING " + jsonSource(columns) + " ON "
                + key.stream().map(k -> "t." + k + " = s." + k).collect(Collectors.joining(" AND "))
                + (updates.isEmpty() ? "" : " WHEN MATCHED THEN UPDATE SET "
                + updates.stream().map(u -> "t." + u.column() + " = " + switch (u.mode()) {
                    case REPLACE -> "s." + u.column();
                    case ADD -> "t." + u.column() + " + s." + u.column();
                    case MAX -> "CASE WHEN s." + u.column() + " > t." + u.column() + " THEN s." + u.column()
                            + " ELSE t." + u.column() + " END";
                }).collect(Collectors.joining(", ")))
                + " WHEN NOT MATCHED THEN INSERT (" + String.join(", ", names) + ") VALUES ("
                + names.stream().map(c -> "s." + c).collect(Collectors.joining(", ")) + ");";
        return new BulkInsert(sql, columns, rows -> List.of(json(columns, rows)));
    }

    @Override
    public BulkInsert bulkUpsertReportingInserts(String table, List<Column> columns, List<String> key,
                                                 List<ColumnUpdate> updates) {
        BulkInsert upsert = bulkUpsert(table, columns, key, updates);
        String merge = upsert.sql();
        String sql = merge.substring(0, merge.length() - 1)
                + " OUTPUT CASE WHEN $action = 'INSERT' THEN 1 ELSE 0 END AS inserted;";
        return new BulkInsert(sql, columns, rows -> List.of(json(columns, rows)));
    }

    /** {@code (SELECT <typed columns> FROM OPENJSON(@p1) WITH (<schema>) AS j) AS s}: the batch as a derived table. */
    private static String jsonSource(List<Column> columns) {
        String projected = IntStream.range(0, columns.size()).mapToObj(i -> {
            Column c = columns.get(i);
            String value = c.type().binary() ? "CONVERT(" + c.type().sqlServer() + ", j.c" + i + ", 2)" : "j.c" + i;
            return value + " AS " + c.name();
        }).collect(Collectors.joining(", "));
        String with = IntStream.range(0, columns.size()).mapToObj(i -> {
            SqlType type = columns.get(i).type();
            String jsonType = type.binary() ? "VARCHAR(MAX)" : type.sqlServer();
            return "c" + i + " " + jsonType + " '$.c" + i + "'";
        }).collect(Collectors.joining(", "));
        return "(SELECT " + projected + " FROM OPENJSON(@p1) WITH (" + with + ") AS j) AS s";
    }

    static String json(List<Column> columns, List<Object[]> rows) {
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        StringBuilder out = new StringBuilder(rows.size() * 64 + 2).append('[');
        for (int r = 0; r < rows.size(); r++) {
            out.append(r == 0 ? "{" : ",{");
            Object[] row = rows.get(r);
            for (int c = 0; c < row.length; c++) {
                out.append(c == 0 ? "\"c" : ",\"c").append(c).append("\":");
                Object v = row[c];
                if (v == null) {
                    out.append("null");
                } else if (v instanceof byte[] bytes) {
                    out.append('"').append(HEX.formatHex(bytes)).append('"');
                } else if (v instanceof Double d && !Double.isFinite(d) || v instanceof Float f && !Float.isFinite(f)) {
                    throw new IllegalArgumentException("SQL Server cannot store " + v + " in column " + columns.get(c).name());
                } else if (v instanceof Number || v instanceof Boolean) {
                    out.append(v);
                } else if (v instanceof LocalDateTime t) {
                    // DATETIME2 keeps 100 ns ticks: drop finer digits rather than fail the conversion
                    out.append('"').append(ISO.format(t.withNano(t.getNano() / 100 * 100))).append('"');
                } else if (v instanceof UUID || v instanceof CharSequence) {
                    out.append('"').append(encoder.quoteAsString(v.toString())).append('"');
                } else {
                    throw new IllegalArgumentException("cannot bind " + v.getClass().getName() + " to column "
                            + columns.get(c).name());
                }
            }
            out.append('}');
        }
        return out.append(']').toString();
    }

    private static String params(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "@p" + i).collect(Collectors.joining(", "));
    }

    @Override
    public String transactionLock(int namespace, boolean exclusive) {
        return "DECLARE @resource NVARCHAR(255) = CONCAT('hartonomous-" + namespace + "-', @p1); "
                + "DECLARE @result INT; EXEC @result = sp_getapplock @Resource = @resource, @LockMode = '"
                + (exclusive ? "Exclusive" : "Shared") + "', @LockOwner = 'Transaction', @LockTimeout = 60000; "
                + "IF @result < 0 THROW 51000, 'lock timeout', 1;";
    }

    @Override
    public String inList(String column, SqlType type, int param) {
        String value = type.binary() ? "CONVERT(" + type.sqlServer() + ", value, 2)" : "CAST(value AS " + type.sqlServer() + ")";
        return column + " IN (SELECT " + value + " FROM OPENJSON(@p" + param + "))";
    }

    @Override
    public Object bindList(SqlType type, List<?> values) {
        List<Column> one = List.of(Column.of("v", type));
        StringBuilder out = new StringBuilder(values.size() * 24 + 2).append('[');
        for (int i = 0; i < values.size(); i++) {
            String row = json(one, List.<Object[]>of(new Object[]{values.get(i)}));
            // row is [{"c0":X}]: keep X
            out.append(i == 0 ? "" : ",").append(row, 7, row.length() - 2);
        }
        return out.append(']').toString();
    }

    @Override
    public BulkInsert bulkAdd(String table, String scopeColumn, Column key, String counterColumn) {
        String keyValue = key.type().binary() ? "CONVERT(" + key.type().sqlServer() + ", j.c0, 2)" : "j.c0";
        String keyJson = key.type().binary() ? "VARCHAR(MAX)" : key.type().sqlServer();
        String sql = "UPDATE t SET t." + counterColumn + " = t." + counterColumn + " + d.delta"
                + " OUTPUT d.k AS k, deleted." + counterColumn + " AS before, inserted." + counterColumn + " AS after"
                + " FROM " + table + " AS t INNER JOIN (SELECT " + keyValue + " AS k, j.c1 AS delta FROM OPENJSON(@p2) WITH (c0 "
                + keyJson + " '$.c0', c1 BIGINT '$.c1') AS j) AS d ON t." + key.name() + " = d.k"
                + " WHERE t." + scopeColumn + " = @p1";
        List<Column> columns = List.of(key, Column.of("delta", SqlType.BIGINT));
        return new BulkInsert(sql, columns, rows -> List.of(json(columns, rows)));
    }

    @Override
    public java.util.Optional<String> transactionWorkMemory(int megabytes) {
        return java.util.Optional.empty();
    }

    @Override
    public String refreshStatistics(String table, List<String> columns) {
        // statistics objects, not columns: the table's all
        return "UPDATE STATISTICS " + PostgresDialect.requireIdentifier(table);
    }

    @Override
    public String estimatedRows(String table) {
        // the heap (index 0) or the clustered index (1): each row once; no scan, no lock on the table
        return "SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT) FROM sys.dm_db_partition_stats WHERE object_id = OBJECT_ID('"
                + PostgresDialect.requireIdentifier(table) + "') AND index_id IN (0, 1)";
    }

    @Override
    public String deadAtom(String alias) {
        PostgresDialect.requireIdentifier(alias);
        return alias + ".ReferenceCount = 0";
    }
}
