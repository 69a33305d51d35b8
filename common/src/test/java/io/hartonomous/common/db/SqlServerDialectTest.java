package io.hartonomous.common.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.PlainSelect;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every statement {@link SqlServerDialect} generates, checked without a SQL Server: parsed by
 * JSqlParser where it can read T-SQL, pinned as exact text where it cannot. For the latter each
 * test also asserts that the parser still fails (so a JSqlParser that learns the construct tells
 * us to switch to parsing) and that the statement parses once that one construct is removed.
 */
class SqlServerDialectTest {

    private static final List<String> ATOM = List.of("TenantId", "ContentHash", "AtomicValue", "Modality");
    private static final List<String> ATOM_KEY = List.of("TenantId", "ContentHash");
    private static final List<Column> ATOM_COLUMNS = List.of(
            Column.of("TenantId", SqlType.INT),
            Column.of("ContentHash", SqlType.HASH),
            Column.of("AtomicValue", SqlType.VARBINARY_64),
            Column.of("Modality", SqlType.SMALLINT));
    private static final List<Column> EVERY_TYPE = List.of(
            Column.of("Id", SqlType.INT),
            Column.of("Small", SqlType.SMALLINT),
            Column.of("Big", SqlType.BIGINT),
            Column.of("Single", SqlType.REAL),
            Column.of("Dbl", SqlType.DOUBLE),
            Column.of("Flag", SqlType.BOOLEAN),
            Column.of("Hash", SqlType.HASH),
            Column.of("Short64", SqlType.VARBINARY_64),
            Column.of("Blob", SqlType.VARBINARY_MAX),
            Column.of("Name", SqlType.VARCHAR),
            Column.of("Body", SqlType.TEXT),
            Column.of("At", SqlType.TIMESTAMP),
            Column.of("Uid", SqlType.UUID));

    private final SqlServerDialect dialect = new SqlServerDialect();
    private final ObjectMapper mapper = new ObjectMapper();

    // --- render ---------------------------------------------------------------------------------

    @Test
    void renderedSelectParses() throws Exception {
        String sql = dialect.render("SELECT a.[Order?], a.Name FROM dbo.Atom AS a WHERE a.TenantId = ? AND a.Name <> '?'"
                + " ORDER BY a.Name OFFSET ? ROWS FETCH NEXT ? ROWS ONLY");

        assertThat(sql).isEqualTo("SELECT a.[Order?], a.Name FROM dbo.Atom AS a WHERE a.TenantId = @p1 AND a.Name <> '?'"
                + " ORDER BY a.Name OFFSET @p2 ROWS FETCH NEXT @p3 ROWS ONLY");
        assertThat(parse(sql)).isInstanceOf(PlainSelect.class);
    }

    @Test
    void renderedUpdateAndDeleteParse() throws Exception {
        assertThat(parse(dialect.render("UPDATE dbo.IngestJob SET Status = ? WHERE TenantId = ? AND JobId = ?")))
                .isInstanceOf(net.sf.jsqlparser.statement.update.Update.class);
        assertThat(parse(dialect.render("DELETE FROM dbo.Atom WHERE TenantId = ? AND ContentHash = ?")))
                .isInstanceOf(net.sf.jsqlparser.statement.delete.Delete.class);
    }

    @Test
    void refreshStatisticsUpdatesTheTablesStatistics() {
        // SQL Server keeps statistics objects, not per-column requests: the table's are all refreshed
        assertThat(dialect.refreshStatistics("dbo.Atom", List.of("TenantId", "ContentHash"))).isEqualTo("UPDATE STATISTICS dbo.Atom");
    }

    @Test
    void estimatedRowsReadsThePartitionStatsOfTheHeapOrClusteredIndex() throws Exception {
        String sql = dialect.estimatedRows("dbo.Atom");

        PlainSelect select = (PlainSelect) parse(sql);

        assertThat(sql).isEqualTo("SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT) FROM sys.dm_db_partition_stats"
                + " WHERE object_id = OBJECT_ID('dbo.Atom') AND index_id IN (0, 1)");
        assertThat(select.getSelectItems()).hasSize(1);
        assertThat(select.getFromItem().toString()).isEqualTo("sys.dm_db_partition_stats");
        assertThatThrownBy(() -> dialect.estimatedRows("dbo.Atom'); DROP TABLE dbo.Atom; --"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noTransactionWorkMemoryStatement() {
        // SQL Server grants memory per query: nothing to set for a transaction
        assertThat(dialect.transactionWorkMemory(32)).isEmpty();
    }

    // --- insertReturning ------------------------------------------------------------------------

    @Test
    void insertReturningParsesAsInsertWithOutput() throws Exception {
        String sql = dialect.insertReturning("dbo.Atom", ATOM, List.of("AtomId"));

        Insert insert = (Insert) parse(sql);

        assertThat(sql).isEqualTo("INSERT INTO dbo.Atom (TenantId, ContentHash, AtomicValue, Modality)"
                + " OUTPUT INSERTED.AtomId VALUES (@p1, @p2, @p3, @p4)");
        assertThat(insert.getTable().getFullyQualifiedName()).isEqualTo("dbo.Atom");
        assertThat(insert.getColumns()).extracting(c -> c.getColumnName()).containsExactlyElementsOf(ATOM);
        assertThat(insert.getOutputClause()).isNotNull();
        assertThat(insert.getOutputClause().toString()).contains("INSERTED.AtomId");
        assertThat(insert.getValues().getExpressions()).extracting(Object::toString)
                .containsExactly("@p1", "@p2", "@p3", "@p4");
    }

    @Test
    void insertReturningSeveralColumnsParses() throws Exception {
        String sql = dialect.insertReturning("[dbo].[IngestJob]", List.of("TenantId", "Status"),
                List.of("JobId", "CreatedAt"));

        assertThat(sql).isEqualTo("INSERT INTO [dbo].[IngestJob] (TenantId, Status)"
                + " OUTPUT INSERTED.JobId, INSERTED.CreatedAt VALUES (@p1, @p2)");
        assertThat(parse(sql)).isInstanceOf(Insert.class);
    }

    @Test
    void insertSelectReturningParsesAsInsertOfAQueryWithOutput() throws Exception {
        String sql = dialect.insertSelectReturning("provenance.Entity", List.of("TenantId", "SourceName", "ContentHash"),
                "SELECT r.TenantId, r.SourceName, r.RootHash FROM dbo.AtomRoot r WHERE r.TenantId = ? AND r.JobId = ?",
                List.of("EntityId", "ContentHash"));

        Insert insert = (Insert) parse(sql);

        assertThat(sql).isEqualTo("INSERT INTO provenance.Entity (TenantId, SourceName, ContentHash)"
                + " OUTPUT INSERTED.EntityId, INSERTED.ContentHash SELECT r.TenantId, r.SourceName, r.RootHash"
                + " FROM dbo.AtomRoot r WHERE r.TenantId = @p1 AND r.JobId = @p2");
        assertThat(insert.getOutputClause().toString()).contains("INSERTED.EntityId");
        assertThat(insert.getSelect()).isNotNull();
    }

    // --- insertIfAbsent -------------------------------------------------------------------------

    @Test
    void insertIfAbsentIsPinnedText() throws Exception {
        String sql = dialect.insertIfAbsent("dbo.Atom", ATOM, ATOM_KEY);

        assertThat(sql).isEqualTo("INSERT INTO dbo.Atom (TenantId, ContentHash, AtomicValue, Modality)"
                + " SELECT @p1, @p2, @p3, @p4"
                + " WHERE NOT EXISTS (SELECT 1 FROM dbo.Atom AS e WITH (UPDLOCK, HOLDLOCK)"
                + " WHERE e.TenantId = @p1 AND e.ContentHash = @p2)");
        // JSqlParser 5.4 knows only the NOLOCK and INDEX table hints, not UPDLOCK / HOLDLOCK
        assertUnparseable(sql);
        assertThat(parse(withNolockHints(sql))).isInstanceOf(Insert.class);
    }

    @Test
    void insertIfAbsentMatchesKeysByTheirParameterPosition() throws Exception {
        String sql = dialect.insertIfAbsent("dbo.AtomEdge", List.of("TenantId", "ParentHash", "Ordinal", "ChildHash"),
                List.of("TenantId", "ChildHash", "Ordinal"));

        assertThat(sql).isEqualTo("INSERT INTO dbo.AtomEdge (TenantId, ParentHash, Ordinal, ChildHash)"
                + " SELECT @p1, @p2, @p3, @p4"
                + " WHERE NOT EXISTS (SELECT 1 FROM dbo.AtomEdge AS e WITH (UPDLOCK, HOLDLOCK)"
                + " WHERE e.TenantId = @p1 AND e.ChildHash = @p4 AND e.Ordinal = @p3)");
        // JSqlParser 5.4 knows only the NOLOCK and INDEX table hints, not UPDLOCK / HOLDLOCK
        assertUnparseable(sql);
        Insert insert = (Insert) parse(withNolockHints(sql));
        assertThat(insert.getColumns()).hasSize(4);
        assertThat(insert.getSelect().toString()).contains("NOT EXISTS");
    }

    // --- upsert ---------------------------------------------------------------------------------

    @Test
    void upsertIsPinnedText() throws Exception {
        String sql = dialect.upsert("dbo.Atom", ATOM, ATOM_KEY, List.of("AtomicValue", "Modality"));

        assertThat(sql).isEqualTo("MERGE INTO dbo.Atom WITH (HOLDLOCK) AS t"
                + " USING (SELECT @p1 AS TenantId, @p2 AS ContentHash, @p3 AS AtomicValue, @p4 AS Modality) AS s"
                + " ON t.TenantId = s.TenantId AND t.ContentHash = s.ContentHash"
                + " WHEN MATCHED THEN UPDATE SET t.AtomicValue = s.AtomicValue, t.Modality = s.Modality"
                + " WHEN NOT MATCHED THEN INSERT (TenantId, ContentHash, AtomicValue, Modality)"
                + " VALUES (s.TenantId, s.ContentHash, s.AtomicValue, s.Modality);");
        // JSqlParser 5.4 accepts no table hint on the MERGE target (MERGE INTO t WITH (HOLDLOCK))
        assertUnparseable(sql);
        Merge merge = (Merge) parse(withoutMergeHint(sql));
        assertThat(merge.getTable().getFullyQualifiedName()).isEqualTo("dbo.Atom");
        assertThat(merge.getMergeUpdate()).isNotNull();
        assertThat(merge.getMergeUpdate().getUpdateSets()).hasSize(2);
        assertThat(merge.getMergeInsert()).isNotNull();
        assertThat(merge.getMergeInsert().getColumns()).hasSize(4);
    }

    @Test
    void upsertWithoutUpdateColumnsOnlyInserts() throws Exception {
        String sql = dialect.upsert("dbo.TenantModel", List.of("TenantId", "ModelId"), List.of("TenantId", "ModelId"),
                List.of());

        assertThat(sql).isEqualTo("MERGE INTO dbo.TenantModel WITH (HOLDLOCK) AS t"
                + " USING (SELECT @p1 AS TenantId, @p2 AS ModelId) AS s"
                + " ON t.TenantId = s.TenantId AND t.ModelId = s.ModelId"
                + " WHEN NOT MATCHED THEN INSERT (TenantId, ModelId) VALUES (s.TenantId, s.ModelId);");
        // JSqlParser 5.4 accepts no table hint on the MERGE target (MERGE INTO t WITH (HOLDLOCK))
        assertUnparseable(sql);
        Merge merge = (Merge) parse(withoutMergeHint(sql));
        assertThat(merge.getMergeUpdate()).isNull();
        assertThat(merge.getMergeInsert()).isNotNull();
    }

    // --- bulkInsert -----------------------------------------------------------------------------

    @Test
    void bulkInsertIsPinnedText() throws Exception {
        String sql = dialect.bulkInsert("dbo.Atom", ATOM_COLUMNS, List.of()).sql();

        assertThat(sql).isEqualTo("INSERT INTO dbo.Atom (TenantId, ContentHash, AtomicValue, Modality)"
                + " SELECT s.TenantId, s.ContentHash, s.AtomicValue, s.Modality"
                + " FROM (SELECT j.c0 AS TenantId, CONVERT(BINARY(32), j.c1, 2) AS ContentHash,"
                + " CONVERT(VARBINARY(64), j.c2, 2) AS AtomicValue, j.c3 AS Modality"
                + " FROM OPENJSON(@p1) WITH (c0 INT '$.c0', c1 VARCHAR(MAX) '$.c1', c2 VARCHAR(MAX) '$.c2',"
                + " c3 SMALLINT '$.c3') AS j) AS s");
        // JSqlParser 5.4 reads OPENJSON(...) only as a function, not with its WITH (column schema)
        assertUnparseable(sql);
        Insert insert = (Insert) parse(withoutOpenJsonSchema(sql));
        assertThat(insert.getColumns()).hasSize(4);
        assertThat(insert.getSelect().getPlainSelect().getSelectItems()).hasSize(4);
    }

    @Test
    void bulkInsertIgnoringConflictsIsPinnedText() throws Exception {
        String sql = dialect.bulkInsert("dbo.Atom", ATOM_COLUMNS, ATOM_KEY).sql();

        assertThat(sql).isEqualTo("INSERT INTO dbo.Atom (TenantId, ContentHash, AtomicValue, Modality)"
                + " SELECT s.TenantId, s.ContentHash, s.AtomicValue, s.Modality"
                + " FROM (SELECT j.c0 AS TenantId, CONVERT(BINARY(32), j.c1, 2) AS ContentHash,"
                + " CONVERT(VARBINARY(64), j.c2, 2) AS AtomicValue, j.c3 AS Modality"
                + " FROM OPENJSON(@p1) WITH (c0 INT '$.c0', c1 VARCHAR(MAX) '$.c1', c2 VARCHAR(MAX) '$.c2',"
                + " c3 SMALLINT '$.c3') AS j) AS s"
                + " WHERE NOT EXISTS (SELECT 1 FROM dbo.Atom AS e WITH (UPDLOCK, HOLDLOCK)"
                + " WHERE e.TenantId = s.TenantId AND e.ContentHash = s.ContentHash)");
        // JSqlParser 5.4 lacks both the OPENJSON WITH (column schema) and the UPDLOCK / HOLDLOCK hints
        assertUnparseable(sql);
        assertUnparseable(withoutOpenJsonSchema(sql));
        assertUnparseable(withNolockHints(sql));
        Insert insert = (Insert) parse(withNolockHints(withoutOpenJsonSchema(sql)));
        assertThat(insert.getSelect().getPlainSelect().getWhere().toString()).startsWith("NOT EXISTS");
    }

    @Test
    void bulkInsertOfEveryTypeDeclaresEachJsonColumn() throws Exception {
        String sql = dialect.bulkInsert("dbo.EveryType", EVERY_TYPE, List.of("Id")).sql();

        assertThat(sql).isEqualTo("INSERT INTO dbo.EveryType (Id, Small, Big, Single, Dbl, Flag, Hash, Short64, Blob,"
                + " Name, Body, At, Uid)"
                + " SELECT s.Id, s.Small, s.Big, s.Single, s.Dbl, s.Flag, s.Hash, s.Short64, s.Blob, s.Name, s.Body,"
                + " s.At, s.Uid"
                + " FROM (SELECT j.c0 AS Id, j.c1 AS Small, j.c2 AS Big, j.c3 AS Single, j.c4 AS Dbl, j.c5 AS Flag,"
                + " CONVERT(BINARY(32), j.c6, 2) AS Hash, CONVERT(VARBINARY(64), j.c7, 2) AS Short64,"
                + " CONVERT(VARBINARY(MAX), j.c8, 2) AS Blob, j.c9 AS Name, j.c10 AS Body, j.c11 AS At,"
                + " j.c12 AS Uid"
                + " FROM OPENJSON(@p1) WITH (c0 INT '$.c0', c1 SMALLINT '$.c1', c2 BIGINT '$.c2',"
                + " c3 REAL '$.c3', c4 FLOAT '$.c4', c5 BIT '$.c5', c6 VARCHAR(MAX) '$.c6',"
                + " c7 VARCHAR(MAX) '$.c7', c8 VARCHAR(MAX) '$.c8', c9 NVARCHAR(4000) '$.c9',"
                + " c10 NVARCHAR(MAX) '$.c10', c11 DATETIME2 '$.c11', c12 UNIQUEIDENTIFIER '$.c12') AS j) AS s"
                + " WHERE NOT EXISTS (SELECT 1 FROM dbo.EveryType AS e WITH (UPDLOCK, HOLDLOCK)"
                + " WHERE e.Id = s.Id)");
        // JSqlParser 5.4 lacks both the OPENJSON WITH (column schema) and the UPDLOCK / HOLDLOCK hints
        assertUnparseable(sql);
        assertThat(parse(withNolockHints(withoutOpenJsonSchema(sql)))).isInstanceOf(Insert.class);
    }

    @Test
    void bulkInsertBindsTheWholeBatchAsOneJsonParameter() throws Exception {
        BulkInsert bulk = dialect.bulkInsert("dbo.Atom", ATOM_COLUMNS, ATOM_KEY);
        List<Object[]> rows = List.of(
                new Object[]{7, new byte[]{0, 1, (byte) 0xab}, new byte[0], (short) 1},
                new Object[]{7, new byte[]{(byte) 0xff}, null, (short) 2});

        List<Object> params = bulk.bind(rows);

        assertThat(params).hasSize(1);
        assertThat(params.get(0)).isEqualTo("[{\"c0\":7,\"c1\":\"0001ab\",\"c2\":\"\",\"c3\":1},"
                + "{\"c0\":7,\"c1\":\"ff\",\"c2\":null,\"c3\":2}]");
        assertThat(mapper.readTree((String) params.get(0)).size()).isEqualTo(2);
    }

    @Test
    void bulkInsertOfAnEmptyBatchBindsAnEmptyArray() {
        assertThat(dialect.bulkInsert("dbo.Atom", ATOM_COLUMNS, List.of()).bind(List.of())).containsExactly("[]");
    }

    @Test
    void bindRejectsRowsOfTheWrongWidth() {
        BulkInsert bulk = dialect.bulkInsert("dbo.Atom", ATOM_COLUMNS, List.of());
        List<Object[]> rows = List.<Object[]>of(new Object[]{7});

        assertThatThrownBy(() -> bulk.bind(rows)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsKeysThatAreNotAmongTheColumns() {
        assertThatThrownBy(() -> dialect.insertIfAbsent("T", List.of("A"), List.of("B")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.upsert("T", List.of("A"), List.of("A"), List.of("B")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.bulkInsert("T", List.of(Column.of("A", SqlType.INT)), List.of("B")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- bulkInsertReturning --------------------------------------------------------------------

    private static final List<Column> LEDGER_COLUMNS = List.of(Column.of("TenantId", SqlType.INT),
            Column.of("IdempotencyKey", SqlType.VARCHAR), Column.of("Quantity", SqlType.BIGINT));

    @Test
    void bulkInsertReturningOnAMemoryOptimizedTableProbesUnderSnapshotIsPinnedText() throws Exception {
        String sql = dialect.bulkInsertReturning("dbo.Ledger", TableStorage.MEMORY_OPTIMIZED, LEDGER_COLUMNS,
                List.of("TenantId", "IdempotencyKey"), List.of("IdempotencyKey", "LedgerId")).sql();

        assertThat(sql).isEqualTo("INSERT INTO dbo.Ledger (TenantId, IdempotencyKey, Quantity)"
                + " OUTPUT INSERTED.IdempotencyKey, INSERTED.LedgerId"
                + " SELECT s.TenantId, s.IdempotencyKey, s.Quantity"
                + " FROM (SELECT j.c0 AS TenantId, j.c1 AS IdempotencyKey, j.c2 AS Quantity"
                + " FROM OPENJSON(@p1) WITH (c0 INT '$.c0', c1 NVARCHAR(4000) '$.c1', c2 BIGINT '$.c2') AS j) AS s"
                + " WHERE NOT EXISTS (SELECT 1 FROM dbo.Ledger AS e WITH (SNAPSHOT)"
                + " WHERE e.TenantId = s.TenantId AND e.IdempotencyKey = s.IdempotencyKey)");
        // JSqlParser 5.4 lacks both the OPENJSON WITH (column schema) and the SNAPSHOT table hint
        assertUnparseable(sql);
        assertUnparseable(withoutOpenJsonSchema(sql));
        Insert insert = (Insert) parse(withoutOpenJsonSchema(sql).replace("WITH (SNAPSHOT)", "WITH (NOLOCK)"));
        assertThat(insert.getOutputClause().toString()).contains("INSERTED.IdempotencyKey", "INSERTED.LedgerId");
        assertThat(insert.getSelect().getPlainSelect().getWhere().toString()).startsWith("NOT EXISTS");
    }

    @Test
    void bulkInsertReturningOnADiskTableTakesAKeyRangeLockIsPinnedText() throws Exception {
        String sql = dialect.bulkInsertReturning("dbo.Ledger", TableStorage.DISK, LEDGER_COLUMNS,
                List.of("TenantId", "IdempotencyKey"), List.of("IdempotencyKey")).sql();

        assertThat(sql).isEqualTo("INSERT INTO dbo.Ledger (TenantId, IdempotencyKey, Quantity)"
                + " OUTPUT INSERTED.IdempotencyKey"
                + " SELECT s.TenantId, s.IdempotencyKey, s.Quantity"
                + " FROM (SELECT j.c0 AS TenantId, j.c1 AS IdempotencyKey, j.c2 AS Quantity"
                + " FROM OPENJSON(@p1) WITH (c0 INT '$.c0', c1 NVARCHAR(4000) '$.c1', c2 BIGINT '$.c2') AS j) AS s"
                + " WHERE NOT EXISTS (SELECT 1 FROM dbo.Ledger AS e WITH (UPDLOCK, HOLDLOCK)"
                + " WHERE e.TenantId = s.TenantId AND e.IdempotencyKey = s.IdempotencyKey)");
        // JSqlParser 5.4 lacks both the OPENJSON WITH (column schema) and the UPDLOCK / HOLDLOCK hints
        assertUnparseable(sql);
        Insert insert = (Insert) parse(withNolockHints(withoutOpenJsonSchema(sql)));
        assertThat(insert.getOutputClause()).isNotNull();
    }

    @Test
    void bulkInsertReturningBindsOneJsonDocument() {
        BulkInsert bulk = dialect.bulkInsertReturning("dbo.Ledger", TableStorage.MEMORY_OPTIMIZED, LEDGER_COLUMNS,
                List.of("TenantId", "IdempotencyKey"), List.of("IdempotencyKey"));

        assertThat(bulk.bind(List.<Object[]>of(new Object[]{7, "k\"1", 3L})))
                .containsExactly("[{\"c0\":7,\"c1\":\"k\\\"1\",\"c2\":3}]");
    }

    // --- bulkUpsert -----------------------------------------------------------------------------

    @Test
    void bulkUpsertMergesTheJsonRowsIsPinnedText() throws Exception {
        List<Column> columns = List.of(Column.of("TenantId", SqlType.INT), Column.of("Meter", SqlType.VARCHAR),
                Column.of("Total", SqlType.BIGINT), Column.of("Peak", SqlType.BIGINT), Column.of("At", SqlType.TIMESTAMP));
        String sql = dialect.bulkUpsert("dbo.Bucket", columns, List.of("TenantId", "Meter"),
                List.of(ColumnUpdate.add("Total"), ColumnUpdate.max("Peak"), ColumnUpdate.replace("At"))).sql();

        assertThat(sql).isEqualTo("MERGE INTO dbo.Bucket WITH (HOLDLOCK) AS t USING"
                + " (SELECT j.c0 AS TenantId, j.c1 AS Meter, j.c2 AS Total, j.c3 AS Peak, j.c4 AS At"
                + " FROM OPENJSON(@p1) WITH (c0 INT '$.c0', c1 NVARCHAR(4000) '$.c1', c2 BIGINT '$.c2',"
                + " c3 BIGINT '$.c3', c4 DATETIME2 '$.c4') AS j) AS s"
                + " ON t.TenantId = s.TenantId AND t.Meter = s.Meter"
                + " WHEN MATCHED THEN UPDATE SET t.Total = t.Total + s.Total,"
                + " t.Peak = CASE WHEN s.Peak > t.Peak THEN s.Peak ELSE t.Peak END, t.At = s.At"
                + " WHEN NOT MATCHED THEN INSERT (TenantId, Meter, Total, Peak, At)"
                + " VALUES (s.TenantId, s.Meter, s.Total, s.Peak, s.At);");
        // JSqlParser 5.4 lacks the MERGE target hint and the OPENJSON WITH (column schema)
        assertUnparseable(sql);
        assertUnparseable(withoutMergeHint(sql));
        Merge merge = (Merge) parse(withoutMergeHint(withoutOpenJsonSchema(sql)));
        assertThat(merge.getMergeUpdate().getUpdateSets()).hasSize(3);
        assertThat(merge.getMergeInsert().getColumns()).hasSize(5);
    }

    @Test
    void bulkUpsertWithoutUpdatesOnlyInserts() throws Exception {
        List<Column> columns = List.of(Column.of("TenantId", SqlType.INT), Column.of("Meter", SqlType.VARCHAR));
        String sql = dialect.bulkUpsert("dbo.Quota", columns, List.of("TenantId", "Meter"), List.of()).sql();

        assertThat(sql).isEqualTo("MERGE INTO dbo.Quota WITH (HOLDLOCK) AS t USING"
                + " (SELECT j.c0 AS TenantId, j.c1 AS Meter FROM OPENJSON(@p1) WITH (c0 INT '$.c0', c1 NVARCHAR(4000) '$.c1')"
                + " AS j) AS s ON t.TenantId = s.TenantId AND t.Meter = s.Meter"
                + " WHEN NOT MATCHED THEN INSERT (TenantId, Meter) VALUES (s.TenantId, s.Meter);");
        Merge merge = (Merge) parse(withoutMergeHint(withoutOpenJsonSchema(sql)));
        assertThat(merge.getMergeUpdate()).isNull();
    }

    @Test
    void bulkUpsertReportingInsertsOutputsTheActionOfEachRow() throws Exception {
        List<Column> columns = List.of(Column.of("TenantId", SqlType.INT), Column.of("Meter", SqlType.VARCHAR),
                Column.of("Total", SqlType.BIGINT));
        String sql = dialect.bulkUpsertReportingInserts("dbo.Bucket", columns, List.of("TenantId", "Meter"),
                List.of(ColumnUpdate.add("Total"))).sql();

        assertThat(sql).isEqualTo(dialect.bulkUpsert("dbo.Bucket", columns, List.of("TenantId", "Meter"),
                List.of(ColumnUpdate.add("Total"))).sql().replace(");",
                ") OUTPUT CASE WHEN $action = 'INSERT' THEN 1 ELSE 0 END AS inserted;"));
        Merge merge = (Merge) parse(withoutMergeHint(withoutOpenJsonSchema(sql)));
        assertThat(merge.getOutputClause()).isNotNull();
        assertThat(merge.getOutputClause().toString()).contains("$action = 'INSERT'");
        assertThat(dialect.wasInserted(1)).isTrue();
        assertThat(dialect.wasInserted(0)).isFalse();
    }

    // --- json -----------------------------------------------------------------------------------

    @Test
    void jsonWritesBinaryAsLowerCaseHexWithoutPrefix() {
        String json = SqlServerDialect.json(List.of(Column.of("H", SqlType.VARBINARY_MAX)),
                List.<Object[]>of(new Object[]{new byte[]{0x00, 0x0f, (byte) 0xab, (byte) 0xff}}));

        assertThat(json).isEqualTo("[{\"c0\":\"000fabff\"}]");
    }

    @Test
    void jsonWritesTimestampsAsIsoLocalDateTime() {
        List<Column> columns = List.of(Column.of("At", SqlType.TIMESTAMP));
        List<Object[]> rows = List.of(
                new Object[]{LocalDateTime.of(2026, 4, 1, 12, 30, 5, 123_456_700)},
                new Object[]{LocalDateTime.of(2026, 4, 1, 12, 30)},
                new Object[]{LocalDateTime.of(1, 1, 1, 0, 0, 0, 100)});

        assertThat(SqlServerDialect.json(columns, rows)).isEqualTo("[{\"c0\":\"2026-04-01T12:30:05.1234567\"},"
                + "{\"c0\":\"2026-04-01T12:30:00\"},{\"c0\":\"0001-01-01T00:00:00.0000001\"}]");
    }

    @Test
    void jsonEscapesStrings() throws Exception {
        String hostile = "say \"hi\"\\ \n\r\t \u0000\u001f é 漢字 😀 \u2028 </script> '; DROP TABLE x; --";
        List<Column> columns = List.of(Column.of("Name", SqlType.VARCHAR));

        String json = SqlServerDialect.json(columns, List.<Object[]>of(new Object[]{hostile}));

        assertThat(json).startsWith("[{\"c0\":\"say \\\"hi\\\"\\\\ \\n\\r\\t \\u0000\\u001F é 漢字 😀");
        assertThat(mapper.readTree(json).get(0).get("c0").asText()).isEqualTo(hostile);
    }

    @Test
    void jsonWritesNumbersBooleansUuidsAndNulls() throws Exception {
        UUID uuid = UUID.fromString("0f0e0d0c-0b0a-0908-0706-050403020100");
        List<Column> columns = List.of(Column.of("I", SqlType.INT), Column.of("S", SqlType.SMALLINT),
                Column.of("B", SqlType.BIGINT), Column.of("R", SqlType.REAL), Column.of("D", SqlType.DOUBLE),
                Column.of("T", SqlType.BOOLEAN), Column.of("F", SqlType.BOOLEAN), Column.of("U", SqlType.UUID),
                Column.of("N", SqlType.TEXT));
        Object[] row = {-7, (short) 3, Long.MAX_VALUE, 1.5f, -0.25d, true, false, uuid, null};

        String json = SqlServerDialect.json(columns, List.<Object[]>of(row));

        assertThat(json).isEqualTo("[{\"c0\":-7,\"c1\":3,\"c2\":9223372036854775807,\"c3\":1.5,\"c4\":-0.25,"
                + "\"c5\":true,\"c6\":false,\"c7\":\"0f0e0d0c-0b0a-0908-0706-050403020100\",\"c8\":null}]");
        JsonNode parsed = mapper.readTree(json).get(0);
        assertThat(parsed.get("c2").asLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(parsed.get("c8").isNull()).isTrue();
    }

    @Test
    void jsonOfManyRowsIsOneValidArray() throws Exception {
        List<Object[]> rows = IntStream.range(0, 500)
                .mapToObj(i -> new Object[]{i, "n" + i}).toList();

        JsonNode parsed = mapper.readTree(SqlServerDialect.json(
                List.of(Column.of("I", SqlType.INT), Column.of("N", SqlType.VARCHAR)), rows));

        assertThat(parsed.size()).isEqualTo(500);
        assertThat(parsed.get(499).get("c1").asText()).isEqualTo("n499");
    }

    @Test
    void jsonRejectsUnsupportedTypesNamingTheColumn() {
        List<Column> columns = List.of(Column.of("Id", SqlType.INT), Column.of("At", SqlType.TIMESTAMP));

        assertThatThrownBy(() -> SqlServerDialect.json(columns, List.<Object[]>of(new Object[]{1, Instant.EPOCH})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.time.Instant")
                .hasMessageContaining("At");
        assertThatThrownBy(() -> SqlServerDialect.json(columns, List.<Object[]>of(new Object[]{1, new Object()})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- helpers --------------------------------------------------------------------------------

    private static Statement parse(String sql) throws JSQLParserException {
        return CCJSqlParserUtil.parse(sql, parser -> parser.withSquareBracketQuotation(true));
    }

    @Test
    void jsonTruncatesTimestampsToDatetime2Ticks() {
        List<Column> cols = List.of(Column.of("At", SqlType.TIMESTAMP));
        String json = SqlServerDialect.json(cols, List.<Object[]>of(new Object[]{LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_789)}));
        assertThat(json).isEqualTo("[{\"c0\":\"2026-01-02T03:04:05.1234567\"}]");
    }

    @Test
    void deadAtomsAreTheFilterOfTheReferenceIndex() {
        assertThat(dialect.deadAtom("a")).isEqualTo("a.ReferenceCount = 0");
        assertThatThrownBy(() -> dialect.deadAtom("a; DROP TABLE dbo.Atom")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jsonRejectsNonFiniteNumbers() {
        List<Column> cols = List.of(Column.of("V", SqlType.DOUBLE));
        assertThatThrownBy(() -> SqlServerDialect.json(cols, List.<Object[]>of(new Object[]{Double.NaN})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("V");
        assertThatThrownBy(() -> SqlServerDialect.json(cols, List.<Object[]>of(new Object[]{Float.POSITIVE_INFINITY})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertUnparseable(String sql) {
        assertThatThrownBy(() -> parse(sql))
                .as("JSqlParser now reads this statement: replace the exact-text check by parsing")
                .isInstanceOf(JSQLParserException.class);
    }

    /** Swaps the hints the parser lacks for one it knows, keeping the hint's position. */
    private static String withNolockHints(String sql) {
        return sql.replace("WITH (UPDLOCK, HOLDLOCK)", "WITH (NOLOCK)");
    }

    private static String withoutMergeHint(String sql) {
        return sql.replace(" WITH (HOLDLOCK)", "");
    }

    /** Drops OPENJSON's column schema: {@code OPENJSON(@p1) WITH (c0 INT '$.c0', …)} becomes {@code OPENJSON(@p1)}. */
    private static String withoutOpenJsonSchema(String sql) {
        String stripped = sql.replaceAll("OPENJSON\\(@p1\\) WITH \\((?:[^()]|\\([^()]*\\))*\\)", "OPENJSON(@p1)");
        assertThat(stripped).isNotEqualTo(sql);
        return stripped;
    }
}
