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
     * Insert of the rows of a query, returning columns of each inserted row (in no promised order:
     * return a key to match them by). {@code select} is portable SQL with {@code ?} placeholders;
     * parameters: those of {@code select}.
     */
    String insertSelectReturning(String table, List<String> columns, String select, List<String> returning);

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

    /**
     * {@link #bulkInsert} that skips rows whose {@code ignoreConflictsOn} key exists and returns the
     * {@code returning} columns of exactly the rows it inserted (one result row per inserted row, in
     * no particular order). Rows of one batch must have distinct keys.
     *
     * <p>Concurrency: on PostgreSQL a concurrent insert of the same key blocks on the unique index
     * until the other transaction ends, then is skipped (or inserted, if the other rolled back). On
     * SQL Server a {@link TableStorage#DISK} table takes a key-range lock ({@code UPDLOCK, HOLDLOCK})
     * with the same effect; a {@link TableStorage#MEMORY_OPTIMIZED} table is probed
     * {@code WITH (SNAPSHOT)}, so the loser of a race fails with a unique-key violation or a write
     * conflict instead, and the caller must retry its transaction (then the key is seen and skipped).
     */
    BulkInsert bulkInsertReturning(String table, TableStorage storage, List<Column> columns,
                                   List<String> ignoreConflictsOn, List<String> returning);

    /**
     * A set-based upsert of many rows in one statement: rows whose {@code key} is new are inserted
     * with all {@code columns}; for rows whose key exists, each of {@code updates} is combined by its
     * {@link ColumnUpdate.Mode} and the other columns are left alone. Rows of one batch must have
     * distinct keys (a statement may not touch a row twice). Existing rows are locked until the
     * transaction ends, so concurrent accumulations serialize and none is lost; callers that touch
     * several rows in one transaction should sort the batch by key to keep lock order stable.
     */
    BulkInsert bulkUpsert(String table, List<Column> columns, List<String> key, List<ColumnUpdate> updates);

    /**
     * {@link #bulkUpsert} that answers a row for each row it touched, with one column: whether it
     * inserted that row (PostgreSQL a boolean, SQL Server 1 or 0; read it with {@link #wasInserted}).
     * For callers that account for what they created, when another writer may have inserted some of
     * the keys meanwhile.
     */
    BulkInsert bulkUpsertReportingInserts(String table, List<Column> columns, List<String> key, List<ColumnUpdate> updates);

    /** The answer of one row of a {@link #bulkUpsertReportingInserts}: whether that row was inserted. */
    default boolean wasInserted(Object value) {
        return value instanceof Boolean b ? b : value instanceof Number n && n.intValue() == 1;
    }

    /**
     * Takes a lock held until the end of the current transaction, named by one integer parameter
     * (e.g. a tenant id) within {@code namespace}; shared locks coexist, an exclusive one waits for
     * all others. Parameters: the integer. PostgreSQL: advisory locks; SQL Server: sp_getapplock.
     */
    String transactionLock(int namespace, boolean exclusive);

    /**
     * A predicate fragment "{@code column} is one of the values of parameter {@code param}", to
     * splice into portable SQL; bind the values with {@link #bindList}. One parameter carries any
     * number of values (no statement text per list size).
     */
    String inList(String column, SqlType type, int param);

    /** The parameter value for {@link #inList}: an array (PostgreSQL) or a JSON array (SQL Server). */
    Object bindList(SqlType type, java.util.List<?> values);

    /**
     * Adds a signed delta to a counter column for many keys in one statement, scoped by
     * {@code scopeColumn} = parameter 1, and returns for each changed row its key, the counter
     * before and after: columns {@code k}, {@code before}, {@code after}. Parameters: the scope
     * value, then the values of {@link BulkInsert#bind} of rows {key, delta} (keys distinct).
     */
    BulkInsert bulkAdd(String table, String scopeColumn, Column key, String counterColumn);

    /**
     * Refreshes the optimizer's statistics of a table: its size, and the distributions of
     * {@code columns} (the ones its hot queries filter on; empty: all). Call after a table grew
     * fast: PostgreSQL caches plans (foreign-key checks among them) made when the table was small.
     * PostgreSQL: {@code ANALYZE t (columns)} — half the work of a whole-table ANALYZE on the atom
     * tables, whose other columns no lookup filters on. SQL Server: {@code UPDATE STATISTICS t}.
     */
    String refreshStatistics(String table, List<String> columns);

    /**
     * A query answering one row, one BIGINT column: how many rows the database estimates
     * {@code table} holds, from what its last statistics refresh counted (no table scan).
     * PostgreSQL: {@code pg_class.reltuples} (0 when never counted). SQL Server: the row count of
     * the heap or clustered index in {@code sys.dm_db_partition_stats}.
     */
    String estimatedRows(String table);

    /**
     * A statement that lets the rest of the current transaction use {@code megabytes} of working
     * memory per sort, hash or tuple store before spilling to disk, or none where the database
     * sizes that memory itself. PostgreSQL: {@code SET LOCAL work_mem} (the statement-level edge
     * check of V8/V11 keeps a chunk's new edges in such a store: 4 MB, the default, spills a
     * 40,000-edge chunk). SQL Server: none (memory grants are per query).
     */
    java.util.Optional<String> transactionWorkMemory(int megabytes);

    /**
     * A predicate "the dbo.Atom row {@code alias} has no reference left" that the dead-atom index
     * answers. PostgreSQL: {@code alias.IsDead = 1}, a stored flag computed from the count (V15: no
     * index may cover ReferenceCount, or no count change could be a HOT update). SQL Server:
     * {@code alias.ReferenceCount = 0}, the reference's filtered index.
     */
    String deadAtom(String alias);
}
