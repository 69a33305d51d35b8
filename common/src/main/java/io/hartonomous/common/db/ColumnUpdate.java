package io.hartonomous.common.db;

import java.util.Objects;

/**
 * What a set-based upsert ({@link SqlDialect#bulkUpsert}) does to one column of a row that
 * exists already: take the new value, add the new value to the stored one, or keep the greater.
 */
public record ColumnUpdate(String column, Mode mode) {

    /** How the stored value and the incoming value combine. */
    public enum Mode {
        /** stored := incoming */
        REPLACE,
        /** stored := stored + incoming (counters, sums; a negative incoming value subtracts) */
        ADD,
        /** stored := the greater of stored and incoming */
        MAX
    }

    public ColumnUpdate {
        Objects.requireNonNull(mode, "mode");
        Column.of(column, SqlType.BIGINT); // the same identifier rule as every column
    }

    public static ColumnUpdate replace(String column) {
        return new ColumnUpdate(column, Mode.REPLACE);
    }

    public static ColumnUpdate add(String column) {
        return new ColumnUpdate(column, Mode.ADD);
    }

    public static ColumnUpdate max(String column) {
        return new ColumnUpdate(column, Mode.MAX);
    }
}
