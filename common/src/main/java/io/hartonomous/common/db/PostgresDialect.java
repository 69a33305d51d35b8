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
}
