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
        List<String> names = columns.stream().map(Column::name).toList();
        Sql.requireSubset(names, ignoreConflictsOn);
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
        String sql = "INSERT INTO " + table + " (" + String.join(", ", names) + ") SELECT "
                + names.stream().map(n -> "s." + n).collect(Collectors.joining(", "))
                + " FROM (SELECT " + projected + " FROM OPENJSON(@p1) WITH (" + with + ") AS j) AS s"
                + (ignoreConflictsOn.isEmpty() ? "" : " WHERE NOT EXISTS (SELECT 1 FROM " + table
                + " AS e WITH (UPDLOCK, HOLDLOCK) WHERE "
                + ignoreConflictsOn.stream().map(k -> "e." + k + " = s." + k).collect(Collectors.joining(" AND ")) + ")");
        return new BulkInsert(sql, columns, rows -> List.of(json(columns, rows)));
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
}
