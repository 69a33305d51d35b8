package io.hartonomous.common.db;

import io.hartonomous.common.testing.TestingPostgres;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every statement of {@link PostgresDialect}, executed on a real PostgreSQL through the Vert.x client. */
class PostgresDialectTest {

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

    private final PostgresDialect dialect = new PostgresDialect();
    private Vertx vertx;
    private Pool pool;

    @BeforeEach
    void connect() {
        TestingPostgres.Database db = TestingPostgres.freshDatabase("dialect");
        vertx = Vertx.vertx();
        pool = TestPools.of(db, vertx, 2);
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.closeAndAwait();
        }
        if (vertx != null) {
            vertx.closeAndAwait();
        }
    }

    @Test
    void renderedPlaceholdersBindInOrder() {
        String sql = dialect.render("SELECT ?::int + 1 AS Answer, '?' AS Literal, ?::text AS Second -- ?");

        Row row = execute(sql, Tuple.of(41, "two")).iterator().next();

        assertThat(sql).isEqualTo("SELECT $1::int + 1 AS Answer, '?' AS Literal, $2::text AS Second -- ?");
        assertThat(row.getInteger("answer")).isEqualTo(42);
        assertThat(row.getString("literal")).isEqualTo("?");
        assertThat(row.getString("second")).isEqualTo("two");
    }

    @Test
    void refreshStatisticsCoversTheTableSizeAndTheNamedColumns() {
        ddl("CREATE TABLE Stats (K INT NOT NULL, Name VARCHAR(20) NOT NULL, Other VARCHAR(20) NOT NULL)");
        execute("INSERT INTO Stats SELECT g, 'n' || g, 'o' || g FROM generate_series(1, 5000) g", Tuple.tuple());
        String sql = dialect.refreshStatistics("Stats", List.of("K", "Name"));

        execute(sql, Tuple.tuple());

        assertThat(sql).isEqualTo("ANALYZE Stats (K, Name)");
        List<String> analyzed = new ArrayList<>();
        execute("SELECT attname FROM pg_stats WHERE tablename = 'stats' ORDER BY attname", Tuple.tuple())
                .forEach(r -> analyzed.add(r.getString(0)));
        assertThat(analyzed).containsExactly("k", "name");
        assertThat(execute("SELECT reltuples FROM pg_class WHERE relname = 'stats'", Tuple.tuple()).iterator().next()
                .getFloat(0)).isEqualTo(5000f);
        assertThat(dialect.refreshStatistics("Stats", List.of())).isEqualTo("ANALYZE Stats");
        assertThatThrownBy(() -> dialect.refreshStatistics("Stats", List.of("K); DROP TABLE Stats; --")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void estimatedRowsIsWhatTheLastRefreshCountedAndZeroBeforeAny() {
        ddl("CREATE SCHEMA est");
        ddl("CREATE TABLE est.Rows (K INT NOT NULL)");
        execute("INSERT INTO est.Rows SELECT g FROM generate_series(1, 3000) g", Tuple.tuple());
        String sql = dialect.estimatedRows("est.Rows");

        long before = execute(sql, Tuple.tuple()).iterator().next().getLong(0);
        execute(dialect.refreshStatistics("est.Rows", List.of("K")), Tuple.tuple());
        long counted = execute(sql, Tuple.tuple()).iterator().next().getLong(0);
        execute("INSERT INTO est.Rows SELECT g FROM generate_series(1, 1000) g", Tuple.tuple());
        long notYet = execute(sql, Tuple.tuple()).iterator().next().getLong(0);
        ddl("TRUNCATE est.Rows");
        long truncated = execute(sql, Tuple.tuple()).iterator().next().getLong(0);

        assertThat(before).as("never counted (reltuples -1)").isZero();
        assertThat(counted).isEqualTo(3000);
        assertThat(notYet).as("no scan: the count of the last refresh").isEqualTo(3000);
        assertThat(truncated).isZero();
        assertThatThrownBy(() -> dialect.estimatedRows("est.Rows' AS regclass); DROP TABLE est.Rows; --"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void transactionWorkMemoryLastsUntilTheTransactionEnds() {
        String sql = dialect.transactionWorkMemory(32).orElseThrow();
        String before = execute("SHOW work_mem", Tuple.tuple()).iterator().next().getString(0);

        String inside = pool.withTransaction(conn -> conn.preparedQuery(sql).execute()
                        .chain(() -> conn.query("SHOW work_mem").execute()))
                .await().indefinitely().iterator().next().getString(0);

        assertThat(inside).isEqualTo("32MB");
        assertThat(before).isNotEqualTo("32MB");
        assertThat(pool.withConnection(conn -> conn.query("SHOW work_mem").execute()).await().indefinitely()
                .iterator().next().getString(0)).isEqualTo(before);
        assertThatThrownBy(() -> dialect.transactionWorkMemory(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void insertSelectReturningReturnsEveryInsertedRow() {
        ddl("CREATE TABLE Src (K INT NOT NULL, Name VARCHAR(20) NOT NULL)");
        ddl("CREATE TABLE Dst (Id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, Name VARCHAR(20) NOT NULL)");
        execute("INSERT INTO Src VALUES (1, 'a'), (1, 'b'), (2, 'c')", Tuple.tuple());
        String sql = dialect.insertSelectReturning("Dst", List.of("Name"), "SELECT Name FROM Src WHERE K = ?",
                List.of("Id", "Name"));

        List<String> names = new java.util.ArrayList<>();
        execute(sql, Tuple.of(1)).forEach(r -> names.add(r.getString("name")));

        assertThat(sql).isEqualTo("INSERT INTO Dst (Name) SELECT Name FROM Src WHERE K = $1 RETURNING Id, Name");
        assertThat(names).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void insertReturningYieldsTheGeneratedIdentity() {
        ddl("CREATE TABLE Job (JobId BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, TenantId INT NOT NULL,"
                + " Status VARCHAR(20) NOT NULL, CreatedAt TIMESTAMP NOT NULL DEFAULT now())");
        String sql = dialect.insertReturning("Job", List.of("TenantId", "Status"), List.of("JobId", "CreatedAt"));

        Row first = execute(sql, Tuple.of(7, "queued")).iterator().next();
        Row second = execute(sql, Tuple.of(7, "queued")).iterator().next();

        assertThat(sql).isEqualTo("INSERT INTO Job (TenantId, Status) VALUES ($1, $2) RETURNING JobId, CreatedAt");
        assertThat(first.getLong("jobid")).isEqualTo(1L);
        assertThat(second.getLong("jobid")).isEqualTo(2L);
        assertThat(first.getLocalDateTime("createdat")).isNotNull();
    }

    @Test
    void insertIfAbsentInsertsOnceThenReportsNoRow() {
        ddl("CREATE TABLE Atom (TenantId INT NOT NULL, ContentHash BYTEA NOT NULL, Modality SMALLINT NOT NULL,"
                + " PRIMARY KEY (TenantId, ContentHash))");
        String sql = dialect.insertIfAbsent("Atom", List.of("TenantId", "ContentHash", "Modality"),
                List.of("TenantId", "ContentHash"));
        // the core Buffer: the Mutiny Tuple passes values through unwrapped
        io.vertx.core.buffer.Buffer hash = io.vertx.core.buffer.Buffer.buffer(sha256("atom"));

        RowSet<Row> first = execute(sql, Tuple.of(7, hash, (short) 1));
        RowSet<Row> again = execute(sql, Tuple.of(7, hash, (short) 2));
        RowSet<Row> otherTenant = execute(sql, Tuple.of(8, hash, (short) 3));

        assertThat(first.rowCount()).isEqualTo(1);
        assertThat(again.rowCount()).isZero();
        assertThat(otherTenant.rowCount()).isEqualTo(1);
        assertThat(execute("SELECT Modality FROM Atom WHERE TenantId = 7", Tuple.tuple()).iterator().next()
                .getShort("modality")).isEqualTo((short) 1);
    }

    @Test
    void upsertInsertsThenUpdatesOnlyTheNamedColumns() {
        ddl("CREATE TABLE Setting (TenantId INT NOT NULL, Name VARCHAR(100) NOT NULL, Value TEXT,"
                + " CreatedBy TEXT, PRIMARY KEY (TenantId, Name))");
        String sql = dialect.upsert("Setting", List.of("TenantId", "Name", "Value", "CreatedBy"),
                List.of("TenantId", "Name"), List.of("Value"));

        RowSet<Row> inserted = execute(sql, Tuple.of(7, "limit", "10", "alice"));
        RowSet<Row> updated = execute(sql, Tuple.of(7, "limit", "20", "bob"));

        assertThat(inserted.rowCount()).isEqualTo(1);
        assertThat(updated.rowCount()).isEqualTo(1);
        Row row = execute("SELECT Value, CreatedBy, (SELECT count(*) FROM Setting) AS Total FROM Setting", Tuple.tuple())
                .iterator().next();
        assertThat(row.getString("value")).isEqualTo("20");
        assertThat(row.getString("createdby")).isEqualTo("alice");
        assertThat(row.getLong("total")).isEqualTo(1L);
    }

    @Test
    void bulkInsertsAThousandRowsOfEveryTypeInOneStatement() {
        createEveryTypeTable();
        BulkInsert bulk = dialect.bulkInsert("EveryType", EVERY_TYPE, List.of());
        List<Object[]> rows = IntStream.range(0, 1_000).mapToObj(PostgresDialectTest::everyTypeRow).toList();

        RowSet<Row> result = execute(bulk.sql(), Tuple.from(bulk.bind(rows)));

        assertThat(result.rowCount()).isEqualTo(1_000);
        assertThat(readEveryType()).containsExactlyElementsOf(rows.stream().map(PostgresDialectTest::normalize).toList());
    }

    @Test
    void bulkInsertRoundTripsNullsInEveryColumn() {
        createEveryTypeTable();
        BulkInsert bulk = dialect.bulkInsert("EveryType", EVERY_TYPE, List.of());
        Object[] allNull = new Object[EVERY_TYPE.size()];
        allNull[0] = 1;
        List<Object[]> rows = List.of(allNull, everyTypeRow(2));

        execute(bulk.sql(), Tuple.from(bulk.bind(rows)));

        assertThat(readEveryType()).containsExactly(normalize(allNull), normalize(everyTypeRow(2)));
        assertThat(readEveryType().get(0).subList(1, EVERY_TYPE.size())).containsOnlyNulls();
    }

    @Test
    void bulkInsertOfAnEmptyBatchInsertsNothing() {
        createEveryTypeTable();
        BulkInsert bulk = dialect.bulkInsert("EveryType", EVERY_TYPE, List.of("Id"));

        assertThat(execute(bulk.sql(), Tuple.from(bulk.bind(List.of()))).rowCount()).isZero();
    }

    @Test
    void bulkInsertIgnoringConflictsInsertsOnlyNewKeys() {
        ddl("CREATE TABLE Atom (TenantId INT NOT NULL, ContentHash BYTEA NOT NULL, AtomicValue BYTEA,"
                + " Modality SMALLINT NOT NULL, PRIMARY KEY (TenantId, ContentHash))");
        List<Column> columns = List.of(Column.of("TenantId", SqlType.INT), Column.of("ContentHash", SqlType.HASH),
                Column.of("AtomicValue", SqlType.VARBINARY_64), Column.of("Modality", SqlType.SMALLINT));
        BulkInsert bulk = dialect.bulkInsert("Atom", columns, List.of("TenantId", "ContentHash"));
        List<Object[]> first = IntStream.range(0, 10).mapToObj(i -> atom(i, (short) 1)).toList();
        List<Object[]> overlapping = IntStream.range(5, 15).mapToObj(i -> atom(i, (short) 2)).toList();

        int firstCount = execute(bulk.sql(), Tuple.from(bulk.bind(first))).rowCount();
        int secondCount = execute(bulk.sql(), Tuple.from(bulk.bind(overlapping))).rowCount();

        assertThat(bulk.sql()).isEqualTo("INSERT INTO Atom (TenantId, ContentHash, AtomicValue, Modality)"
                + " SELECT * FROM UNNEST($1::int4[], $2::bytea[], $3::bytea[], $4::int2[])"
                + " ON CONFLICT (TenantId, ContentHash) DO NOTHING");
        assertThat(firstCount).isEqualTo(10);
        assertThat(secondCount).isEqualTo(5);
        List<Short> modalities = new ArrayList<>();
        execute("SELECT Modality FROM Atom ORDER BY AtomicValue", Tuple.tuple()).forEach(r -> modalities.add(r.getShort("modality")));
        assertThat(modalities).hasSize(15);
        assertThat(modalities.subList(0, 10)).containsOnly((short) 1);
        assertThat(modalities.subList(10, 15)).containsOnly((short) 2);
    }

    @Test
    void bulkStatementTextIsTheSameForAnyBatchSize() {
        BulkInsert bulk = dialect.bulkInsert("EveryType", EVERY_TYPE, List.of());

        assertThat(bulk.sql()).isEqualTo("INSERT INTO EveryType (Id, Small, Big, Single, Dbl, Flag, Hash, Short64, Blob,"
                + " Name, Body, At, Uid) SELECT * FROM UNNEST($1::int4[], $2::int2[], $3::int8[], $4::float4[],"
                + " $5::float8[], $6::bool[], $7::bytea[], $8::bytea[], $9::bytea[], $10::varchar[], $11::text[],"
                + " $12::timestamp[], $13::uuid[])");
        assertThat(bulk.bind(List.of())).hasSize(EVERY_TYPE.size());
        assertThat(bulk.columns()).isEqualTo(EVERY_TYPE);
    }

    @Test
    void bindRejectsRowsOfTheWrongWidth() {
        BulkInsert bulk = dialect.bulkInsert("EveryType", EVERY_TYPE, List.of());
        List<Object[]> rows = List.<Object[]>of(new Object[]{1, 2});

        assertThatThrownBy(() -> bulk.bind(rows)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 values for 13 columns");
    }

    @Test
    void rejectsKeysThatAreNotAmongTheColumns() {
        assertThatThrownBy(() -> dialect.insertIfAbsent("T", List.of("A"), List.of("B")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.upsert("T", List.of("A", "B"), List.of("A"), List.of("C")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.bulkInsert("T", List.of(Column.of("A", SqlType.INT)), List.of("B")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bulkInsertReturningReportsExactlyTheInsertedRows() {
        ddl("CREATE TABLE Ledger (LedgerId BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, TenantId INT NOT NULL,"
                + " IdempotencyKey VARCHAR(200) NOT NULL, Quantity BIGINT NOT NULL, UNIQUE (TenantId, IdempotencyKey))");
        List<Column> columns = List.of(Column.of("TenantId", SqlType.INT), Column.of("IdempotencyKey", SqlType.VARCHAR),
                Column.of("Quantity", SqlType.BIGINT));
        BulkInsert bulk = dialect.bulkInsertReturning("Ledger", TableStorage.MEMORY_OPTIMIZED, columns,
                List.of("TenantId", "IdempotencyKey"), List.of("IdempotencyKey", "LedgerId"));
        List<Object[]> first = IntStream.range(0, 10).mapToObj(i -> new Object[]{7, "k" + i, (long) i}).toList();
        List<Object[]> overlapping = IntStream.range(5, 15).mapToObj(i -> new Object[]{7, "k" + i, 100L}).toList();

        List<String> firstKeys = new ArrayList<>();
        execute(bulk.sql(), Tuple.from(bulk.bind(first))).forEach(r -> firstKeys.add(r.getString("idempotencykey")));
        List<String> secondKeys = new ArrayList<>();
        execute(bulk.sql(), Tuple.from(bulk.bind(overlapping))).forEach(r -> secondKeys.add(r.getString("idempotencykey")));

        assertThat(bulk.sql()).isEqualTo("INSERT INTO Ledger (TenantId, IdempotencyKey, Quantity)"
                + " SELECT * FROM UNNEST($1::int4[], $2::varchar[], $3::int8[])"
                + " ON CONFLICT (TenantId, IdempotencyKey) DO NOTHING RETURNING IdempotencyKey, LedgerId");
        assertThat(firstKeys).hasSize(10);
        assertThat(secondKeys).containsExactlyInAnyOrder("k10", "k11", "k12", "k13", "k14");
        assertThat(execute("SELECT sum(Quantity) AS Total FROM Ledger", Tuple.tuple()).iterator().next().getLong("total"))
                .isEqualTo(45L + 5 * 100L);
    }

    @Test
    void bulkUpsertAddsKeepsTheGreaterAndReplacesByColumn() {
        ddl("CREATE TABLE Bucket (TenantId INT NOT NULL, Meter VARCHAR(100) NOT NULL, Total BIGINT NOT NULL,"
                + " Peak BIGINT NOT NULL, Label TEXT, Untouched TEXT, PRIMARY KEY (TenantId, Meter))");
        List<Column> columns = List.of(Column.of("TenantId", SqlType.INT), Column.of("Meter", SqlType.VARCHAR),
                Column.of("Total", SqlType.BIGINT), Column.of("Peak", SqlType.BIGINT), Column.of("Label", SqlType.TEXT),
                Column.of("Untouched", SqlType.TEXT));
        BulkInsert bulk = dialect.bulkUpsert("Bucket", columns, List.of("TenantId", "Meter"),
                List.of(ColumnUpdate.add("Total"), ColumnUpdate.max("Peak"), ColumnUpdate.replace("Label")));

        int inserted = execute(bulk.sql(), Tuple.from(bulk.bind(List.of(
                new Object[]{7, "a", 10L, 5L, "one", "first"},
                new Object[]{7, "b", 1L, 9L, "one", "first"})))).rowCount();
        int upserted = execute(bulk.sql(), Tuple.from(bulk.bind(List.of(
                new Object[]{7, "a", 32L, 3L, "two", "second"},
                new Object[]{7, "b", -1L, 11L, "two", "second"},
                new Object[]{8, "a", 4L, 4L, "two", "second"})))).rowCount();

        assertThat(bulk.sql()).isEqualTo("INSERT INTO Bucket AS t (TenantId, Meter, Total, Peak, Label, Untouched)"
                + " SELECT * FROM UNNEST($1::int4[], $2::varchar[], $3::int8[], $4::int8[], $5::text[], $6::text[])"
                + " ON CONFLICT (TenantId, Meter) DO UPDATE SET Total = t.Total + EXCLUDED.Total,"
                + " Peak = GREATEST(t.Peak, EXCLUDED.Peak), Label = EXCLUDED.Label");
        assertThat(inserted).isEqualTo(2);
        assertThat(upserted).isEqualTo(3);
        List<String> rows = new ArrayList<>();
        execute("SELECT * FROM Bucket ORDER BY TenantId, Meter", Tuple.tuple()).forEach(r -> rows.add(
                r.getInteger("tenantid") + " " + r.getString("meter") + " " + r.getLong("total") + " " + r.getLong("peak")
                        + " " + r.getString("label") + " " + r.getString("untouched")));
        assertThat(rows).containsExactly("7 a 42 5 two first", "7 b 0 11 two first", "8 a 4 4 two second");
    }

    @Test
    void bulkUpsertReportingInsertsTellsInsertedRowsFromUpdatedOnes() {
        ddl("CREATE TABLE Tally (TenantId INT NOT NULL, Meter VARCHAR(100) NOT NULL, Total BIGINT NOT NULL,"
                + " PRIMARY KEY (TenantId, Meter))");
        List<Column> columns = List.of(Column.of("TenantId", SqlType.INT), Column.of("Meter", SqlType.VARCHAR),
                Column.of("Total", SqlType.BIGINT));
        BulkInsert bulk = dialect.bulkUpsertReportingInserts("Tally", columns, List.of("TenantId", "Meter"),
                List.of(ColumnUpdate.add("Total")));

        execute(bulk.sql(), Tuple.from(bulk.bind(List.<Object[]>of(new Object[]{7, "a", 0L}))));
        List<String> answers = new ArrayList<>();
        execute(bulk.sql(), Tuple.from(bulk.bind(List.of(new Object[]{7, "a", 2L}, new Object[]{7, "b", 3L}))))
                .forEach(r -> answers.add(r.getBoolean("inserted") + " " + dialect.wasInserted(r.getValue(0))));
        List<String> totals = new ArrayList<>();
        execute("SELECT Meter, Total FROM Tally ORDER BY Meter", Tuple.tuple())
                .forEach(r -> totals.add(r.getString(0) + " " + r.getLong(1)));

        // a row that was there with 0 is still an update, not an insert
        assertThat(answers).containsExactly("false false", "true true");
        assertThat(totals).containsExactly("a 2", "b 3");
    }

    @Test
    void bulkUpsertWithoutUpdatesOnlyInsertsNewKeys() {
        ddl("CREATE TABLE Quota (TenantId INT NOT NULL, Meter VARCHAR(100) NOT NULL, Used BIGINT NOT NULL,"
                + " PRIMARY KEY (TenantId, Meter))");
        List<Column> columns = List.of(Column.of("TenantId", SqlType.INT), Column.of("Meter", SqlType.VARCHAR),
                Column.of("Used", SqlType.BIGINT));
        BulkInsert bulk = dialect.bulkUpsert("Quota", columns, List.of("TenantId", "Meter"), List.of());

        execute(bulk.sql(), Tuple.from(bulk.bind(List.<Object[]>of(new Object[]{7, "a", 1L}))));
        int second = execute(bulk.sql(), Tuple.from(bulk.bind(List.of(new Object[]{7, "a", 5L}, new Object[]{7, "b", 5L}))))
                .rowCount();

        assertThat(bulk.sql()).endsWith("ON CONFLICT (TenantId, Meter) DO NOTHING");
        assertThat(second).isEqualTo(1);
        assertThat(execute("SELECT sum(Used) AS Total FROM Quota", Tuple.tuple()).iterator().next().getLong("total"))
                .isEqualTo(6L);
    }

    @Test
    void bulkUpsertAndInsertReturningRejectMisnamedColumns() {
        List<Column> columns = List.of(Column.of("A", SqlType.INT));
        assertThatThrownBy(() -> dialect.bulkUpsert("T", columns, List.of("A"), List.of(ColumnUpdate.add("B"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.bulkUpsert("T", columns, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.bulkInsertReturning("T", TableStorage.DISK, columns, List.of("A"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private void createEveryTypeTable() {
        ddl("CREATE TABLE EveryType (Id INT PRIMARY KEY, Small SMALLINT, Big BIGINT, Single REAL,"
                + " Dbl DOUBLE PRECISION, Flag BOOLEAN, Hash BYTEA, Short64 BYTEA, Blob BYTEA, Name VARCHAR(200),"
                + " Body TEXT, At TIMESTAMP, Uid UUID)");
    }

    private List<List<Object>> readEveryType() {
        List<List<Object>> rows = new ArrayList<>();
        for (Row r : execute("SELECT * FROM EveryType ORDER BY Id", Tuple.tuple())) {
            rows.add(Arrays.asList(r.getInteger("id"), r.getShort("small"), r.getLong("big"), r.getFloat("single"),
                    r.getDouble("dbl"), r.getBoolean("flag"), hex(r.getBuffer("hash")), hex(r.getBuffer("short64")),
                    hex(r.getBuffer("blob")), r.getString("name"), r.getString("body"),
                    r.getLocalDateTime("at"), r.getUUID("uid")));
        }
        return rows;
    }

    /** A row of every type; values vary per row and exercise signs, extremes and non-ASCII text. */
    private static Object[] everyTypeRow(int i) {
        byte[] blob = new byte[i % 97 * 13];
        Arrays.fill(blob, (byte) i);
        return new Object[]{
                i,
                (short) (i % 2 == 0 ? Short.MIN_VALUE + i : Short.MAX_VALUE - i),
                i * 9_007_199_254_740_993L,
                i / 3f,
                -i / 7d,
                i % 3 == 0,
                sha256("row " + i),
                Arrays.copyOf(sha256("short " + i), i % 65 == 0 ? 64 : i % 65),
                blob,
                "name-" + i + "-ü€😀",
                "line one\nline 'two' \"three\" \\ " + "x".repeat(i % 50),
                LocalDateTime.of(2026, 4, 1, 12, 0).plusSeconds(i * 3_607L).plusNanos(i * 1_001_000L),
                UUID.nameUUIDFromBytes(("uuid " + i).getBytes(StandardCharsets.UTF_8))};
    }

    private static Object[] atom(int i, short modality) {
        return new Object[]{7, sha256("atom " + i), new byte[]{(byte) i}, modality};
    }

    private static List<Object> normalize(Object[] row) {
        return Arrays.stream(row).map(v -> v instanceof byte[] b ? HexFormat.of().formatHex(b) : v).toList();
    }

    private static String hex(Buffer buffer) {
        return buffer == null ? null : HexFormat.of().formatHex(buffer.getBytes());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void ddl(String sql) {
        pool.query(sql).executeAndAwait();
    }

    private RowSet<Row> execute(String sql, Tuple params) {
        return pool.preparedQuery(sql).executeAndAwait(params);
    }
}
