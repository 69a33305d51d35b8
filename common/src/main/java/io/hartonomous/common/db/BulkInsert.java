package io.hartonomous.common.db;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A prepared set-based statement (insert, insert returning, upsert): the statement text, fixed
 * for any batch size (so drivers cache it), and the binder that turns a batch of rows into the statement's parameters. On PostgreSQL
 * these are one array per column ({@code UNNEST}); on SQL Server one JSON document
 * ({@code OPENJSON}).
 */
public final class BulkInsert {

    private final String sql;
    private final List<Column> columns;
    private final Function<List<Object[]>, List<Object>> binder;

    BulkInsert(String sql, List<Column> columns, Function<List<Object[]>, List<Object>> binder) {
        this.sql = sql;
        this.columns = List.copyOf(columns);
        this.binder = binder;
    }

    public String sql() {
        return sql;
    }

    public List<Column> columns() {
        return columns;
    }

    /**
     * The parameters for a batch. Each row holds one value per column in column order; binary
     * columns take {@code byte[]}, timestamps {@link java.time.LocalDateTime} (UTC).
     *
     * @throws IllegalArgumentException when a row has the wrong number of values
     */
    public List<Object> bind(List<Object[]> rows) {
        for (Object[] row : rows) {
            Objects.requireNonNull(row, "row");
            if (row.length != columns.size()) {
                throw new IllegalArgumentException("row has " + row.length + " values for " + columns.size() + " columns");
            }
        }
        return binder.apply(rows);
    }
}
