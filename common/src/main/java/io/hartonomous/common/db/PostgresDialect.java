package io.hartonomous.common.db;

import io.vertx.core.buffer.Buffer;

import java.lang.reflect.Array;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** PostgreSQL: {@code $n}, {@code ON CONFLICT}, {@code RETURNING}, bulk by {@code UNNEST} of arrays. */
public final class PostgresDialect implements SqlDialect {

    @Override
    public DbKind kind() {
        return DbKind.POSTGRESQL;
    }

    @Override
    public String render(String portableSql) {
        return Placeholders.rewrite(portableSql, false, n -> "$" + n);
    }

    @Override
    public String insertReturning(String table, List<String> columns, List<String> returning) {
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + params(columns.size())
                + ") RETURNING " + String.join(", ", returning);
    }

    @Override
    public String insertSelectReturning(String table, List<String> columns, String select, List<String> returning) {
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") " + render(select)
                + " RETURNING " + String.join(", ", returning);
    }

    @Override
    public String insertIfAbsent(String table, List<String> columns, List<String> key) {
        Sql.requireSubset(columns, key);
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + params(columns.size())
                + ") ON CONFLICT (" + String.join(", ", key) + ") DO NOTHING";
    }

    @Override
    public String upsert(String table, List<String> columns, List<String> key, List<String> update) {
        Sql.requireSubset(columns, key);
        Sql.requireSubset(columns, update);
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + params(columns.size())
                + ") ON CONFLICT (" + String.join(", ", key) + ") DO UPDATE SET "
                + update.stream().map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
    }

    @Override
    public BulkInsert bulkInsert(String table, List<Column> columns, List<String> ignoreConflictsOn) {
        Sql.requireSubset(columns.stream().map(Column::name).toList(), ignoreConflictsOn);
        String arrays = IntStream.range(0, columns.size())
                .mapToObj(i -> "$" + (i + 1) + "::" + columns.get(i).type().postgres() + "[]")
                .collect(Collectors.joining(", "));
        String sql = "INSERT INTO " + table + " (" + columns.stream().map(Column::name).collect(Collectors.joining(", "))
                + ") SELECT * FROM UNNEST(" + arrays + ")"
                + (ignoreConflictsOn.isEmpty() ? "" : " ON CONFLICT (" + String.join(", ", ignoreConflictsOn) + ") DO NOTHING");
        return new BulkInsert(sql, columns, rows -> bindArrays(columns, rows));
    }

    @Override
    public BulkInsert bulkInsertReturning(String table, TableStorage storage, List<Column> columns,
                                          List<String> ignoreConflictsOn, List<String> returning) {
        if (returning.isEmpty()) {
            throw new IllegalArgumentException("returning names no column");
        }
        BulkInsert insert = bulkInsert(table, columns, ignoreConflictsOn);
        return new BulkInsert(insert.sql() + " RETURNING " + String.join(", ", returning), columns,
                rows -> bindArrays(columns, rows));
    }

    @Override
    public BulkInsert bulkUpsert(String table, List<Column> columns, List<String> key, List<ColumnUpdate> updates) {
        List<String> names = columns.stream().map(Column::name).toList();
        Sql.requireSubset(names, key);
        Sql.requireSubset(names, updates.stream().map(ColumnUpdate::column).toList());
        if (key.isEmpty()) {
            throw new IllegalArgumentException("an upsert needs a key");
        }
        String arrays = IntStream.range(0, columns.size())
                .mapToObj(i -> "$" + (i + 1) + "::" + columns.get(i).type().postgres() + "[]")
                .collect(Collectors.joining(", "));
        String sql = "INSERT INTO " + table + " AS t (" + String.join(", ", names) + ") SELECT * FROM UNNEST(" + arrays
                + ") ON CONFLICT (" + String.join(", ", key) + ") DO "
                + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates.stream().map(u -> u.column() + " = " + switch (u.mode()) {
                    case REPLACE -> "EXCLUDED." + u.column();
                    case ADD -> "t." + u.column() + " + EXCLUDED." + u.column();
                    case MAX -> "GREATEST(t." + u.column() + ", EXCLUDED." + u.column() + ")";
                }).collect(Collectors.joining(", ")));
        return new BulkInsert(sql, columns, rows -> bindArrays(columns, rows));
    }

    private static List<Object> bindArrays(List<Column> columns, List<Object[]> rows) {
        List<Object> params = new ArrayList<>(columns.size());
        for (int c = 0; c < columns.size(); c++) {
            SqlType type = columns.get(c).type();
            Object array = Array.newInstance(javaType(type), rows.size());
            for (int r = 0; r < rows.size(); r++) {
                Object value = rows.get(r)[c];
                Array.set(array, r, coerce(value, type));
            }
            params.add(array);
        }
        return params;
    }

    /** Arrays must hold exactly the element type of the column; widen/narrow numbers losslessly. */
    private static Object coerce(Object value, SqlType type) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return Buffer.buffer(bytes);
        }
        if (value instanceof Number n) {
            return switch (type) {
                case SMALLINT -> Short.valueOf((short) Math.toIntExact(checkRange(n.longValue(), Short.MIN_VALUE, Short.MAX_VALUE)));
                case INT -> Math.toIntExact(n.longValue());
                case BIGINT -> n.longValue();
                case REAL -> n.floatValue();
                case DOUBLE -> n.doubleValue();
                default -> value;
            };
        }
        return value;
    }

    private static long checkRange(long v, long min, long max) {
        if (v < min || v > max) {
            throw new ArithmeticException(v + " does not fit the column type");
        }
        return v;
    }

    private static Class<?> javaType(SqlType type) {
        return switch (type) {
            case SMALLINT -> Short.class;
            case INT -> Integer.class;
            case BIGINT -> Long.class;
            case REAL -> Float.class;
            case DOUBLE -> Double.class;
            case BOOLEAN -> Boolean.class;
            case HASH, VARBINARY_64, VARBINARY_MAX -> Buffer.class;
            case VARCHAR, TEXT -> String.class;
            case TIMESTAMP -> LocalDateTime.class;
            case UUID -> UUID.class;
        };
    }

    private static String params(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "$" + i).collect(Collectors.joining(", "));
    }

    @Override
    public String transactionLock(int namespace, boolean exclusive) {
        return "SELECT " + (exclusive ? "pg_advisory_xact_lock" : "pg_advisory_xact_lock_shared") + "(" + namespace + ", $1)";
    }

    @Override
    public String inList(String column, SqlType type, int param) {
        return column + " = ANY($" + param + "::" + type.postgres() + "[])";
    }

    @Override
    public Object bindList(SqlType type, List<?> values) {
        Object array = Array.newInstance(javaType(type), values.size());
        for (int i = 0; i < values.size(); i++) {
            Array.set(array, i, coerce(values.get(i), type));
        }
        return array;
    }

    @Override
    public BulkInsert bulkUpsertReportingInserts(String table, List<Column> columns, List<String> key,
                                                 List<ColumnUpdate> updates) {
        // a row the statement inserted has no deleting or locking transaction yet (xmax 0); one it
        // updated carries this transaction's id there
        BulkInsert upsert = bulkUpsert(table, columns, key, updates);
        return new BulkInsert(upsert.sql() + " RETURNING (t.xmax = 0) AS inserted", columns, rows -> bindArrays(columns, rows));
    }

    @Override
    public BulkInsert bulkAdd(String table, String scopeColumn, Column key, String counterColumn) {
        String sql = "UPDATE " + table + " AS t SET " + counterColumn + " = t." + counterColumn + " + d.delta"
                + " FROM UNNEST($2::" + key.type().postgres() + "[], $3::int8[]) AS d(k, delta)"
                + " WHERE t." + scopeColumn + " = $1 AND t." + key.name() + " = d.k"
                + " RETURNING d.k AS k, t." + counterColumn + " - d.delta AS before, t." + counterColumn + " AS after";
        List<Column> columns = List.of(key, Column.of("delta", SqlType.BIGINT));
        return new BulkInsert(sql, columns, rows -> bindArrays(columns, rows));
    }

    @Override
    public java.util.Optional<String> transactionWorkMemory(int megabytes) {
        if (megabytes < 1 || megabytes > 2048) {
            throw new IllegalArgumentException("working memory out of range: " + megabytes + " MB");
        }
        return java.util.Optional.of("SET LOCAL work_mem = '" + megabytes + "MB'");
    }

    @Override
    public String refreshStatistics(String table, List<String> columns) {
        columns.forEach(PostgresDialect::requireIdentifier);
        return "ANALYZE " + requireIdentifier(table) + (columns.isEmpty() ? "" : " (" + String.join(", ", columns) + ")");
    }

    @Override
    public String estimatedRows(String table) {
        // reltuples is -1 for a table never vacuumed or analyzed (and after TRUNCATE)
        return "SELECT CAST(GREATEST(reltuples, 0) AS BIGINT) FROM pg_class WHERE oid = CAST('" + requireIdentifier(table)
                + "' AS regclass)";
    }

    static String requireIdentifier(String table) {
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        return table;
    }

    @Override
    public String deadAtom(String alias) {
        requireIdentifier(alias);
        return alias + ".IsDead = 1";
    }
}
