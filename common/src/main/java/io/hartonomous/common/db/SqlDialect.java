package io.hartonomous.common.db;

import java.util.List;

/**
 * The seam between the two supported databases. Repositories write portable SQL (unquoted
 * PascalCase identifiers, {@code ?} placeholders, {@code OFFSET … FETCH}) and ask the dialect
 * only for the few forms that differ: placeholders, insert-if-absent, upsert,
 * {@code RETURNING}/{@code OUTPUT}, and set-based bulk insert. Every method returns statement
 * text for the dialect's Vert.x client; parameters are bound in the documented order and never
 * concatenated into the text.
 */
public sealed interface SqlDialect permits PostgresDialect, SqlServerDialect {

    DbKind kind();

    /**
     * Replaces each {@code ?} outside string literals, quoted identifiers and comments with the
     * dialect's positional placeholder ({@code $1} / {@code @p1}), in order.
     */
    String render(String portableSql);

    /**
     * One-row insert returning generated or defaulted columns.
     * Parameters: the values of {@code columns}, in order.
     */
    String insertReturning(String table, List<String> columns, List<String> returning);

    /**
     * One-row insert that does nothing when a row with the same {@code key} exists, safe under
     * concurrency. Parameters: the values of {@code columns}, in order; every key column must be
     * among them. The result's row count is 1 when inserted, 0 when the row existed.
     */
    String insertIfAbsent(String table, List<String> columns, List<String> key);

    /**
     * One-row insert, or update of {@code update} columns when a row with the same {@code key}
     * exists, atomically. Parameters: the values of {@code columns}, in order.
     */
    String upsert(String table, List<String> columns, List<String> key, List<String> update);

    /**
     * A set-based insert of many rows in one statement and one round trip. With a non-empty
     * {@code ignoreConflictsOn} key, rows whose key already exists are skipped (rows of one batch
     * must have distinct keys).
     */
    BulkInsert bulkInsert(String table, List<Column> columns, List<String> ignoreConflictsOn);
}
