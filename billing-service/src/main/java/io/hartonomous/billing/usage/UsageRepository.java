package io.hartonomous.billing.usage;

import io.hartonomous.billing.meter.Aggregation;
import io.hartonomous.billing.meter.Buckets;
import io.hartonomous.billing.meter.Granularity;
import io.hartonomous.billing.meter.Meter;
import io.hartonomous.common.db.BulkInsert;
import io.hartonomous.common.db.Column;
import io.hartonomous.common.db.ColumnUpdate;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.SqlType;
import io.hartonomous.common.db.TableStorage;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The usage ledger ({@code dbo.BillingUsageLedger_InMemory}), its pre-aggregated buckets
 * ({@code dbo.BillingUsageBucket}) and the first sightings of subjects per bucket
 * ({@code dbo.BillingUsageSubject}, for UNIQUE_COUNT meters). Every statement is scoped by tenant;
 * every batch statement is one set-based statement. Nothing here reads the ledger beyond its keys.
 */
@ApplicationScoped
public class UsageRepository {

    static final String LEDGER = "dbo.BillingUsageLedger_InMemory";
    static final String BUCKET = "dbo.BillingUsageBucket";

    private static final List<Column> LEDGER_COLUMNS = List.of(
            Column.of("TenantId", SqlType.INT), Column.of("OperationType", SqlType.VARCHAR),
            Column.of("Quantity", SqlType.BIGINT), Column.of("Timestamp", SqlType.TIMESTAMP),
            Column.of("IdempotencyKey", SqlType.VARCHAR), Column.of("ReservationId", SqlType.UUID),
            Column.of("ReceivedAt", SqlType.TIMESTAMP));
    private static final List<Column> BUCKET_COLUMNS = List.of(
            Column.of("TenantId", SqlType.INT), Column.of("Meter", SqlType.VARCHAR),
            Column.of("Granularity", SqlType.VARCHAR), Column.of("BucketStart", SqlType.TIMESTAMP),
            Column.of("Value", SqlType.BIGINT), Column.of("EventCount", SqlType.BIGINT));
    private static final List<String> BUCKET_KEY = List.of("TenantId", "Meter", "Granularity", "BucketStart");
    private static final List<Column> SUBJECT_COLUMNS = List.of(
            Column.of("TenantId", SqlType.INT), Column.of("Meter", SqlType.VARCHAR),
            Column.of("Granularity", SqlType.VARCHAR), Column.of("BucketStart", SqlType.TIMESTAMP),
            Column.of("SubjectHash", SqlType.HASH), Column.of("FirstSeenAt", SqlType.TIMESTAMP));
    private static final List<String> SUBJECT_KEY = List.of("TenantId", "Meter", "Granularity", "BucketStart", "SubjectHash");

    private static final String EXISTING_KEYS = """
            SELECT IdempotencyKey FROM dbo.BillingUsageLedger_InMemory WHERE TenantId = ? AND""";
    private static final String SUMMARY = """
            SELECT BucketStart, Value FROM dbo.BillingUsageBucket
            WHERE TenantId = ? AND Meter = ? AND Granularity = ? AND BucketStart >= ? AND BucketStart < ?
            ORDER BY BucketStart""";
    private static final String PERIOD_TOTALS = """
            SELECT Meter, SUM(Value) AS Total, MAX(Value) AS Peak FROM dbo.BillingUsageBucket
            WHERE TenantId = ? AND Granularity = 'day' AND BucketStart >= ? AND BucketStart < ?
            GROUP BY Meter""";

    /** Distinct subjects over the rows of one granularity in a range (the rows, not the ledger). */
    private static final String DISTINCT_SUBJECTS = """
            SELECT COUNT(DISTINCT SubjectHash) FROM dbo.BillingUsageSubject
            WHERE TenantId = ? AND Meter = ? AND Granularity = ? AND BucketStart >= ? AND BucketStart < ?""";
    private static final String PERIOD_DISTINCT = """
            SELECT Meter, COUNT(DISTINCT SubjectHash) FROM dbo.BillingUsageSubject
            WHERE TenantId = ? AND Granularity = 'day' AND BucketStart >= ? AND BucketStart < ?
            GROUP BY Meter""";

    private final SqlDialect dialect;
    private final BulkInsert insertEvents;
    private final BulkInsert insertSubjects;
    private final String distinctSubjects;
    private final String periodDistinct;
    private final Map<Aggregation, BulkInsert> accumulate = new EnumMap<>(Aggregation.class);
    private final String existingKeys;
    private final String summary;
    private final String periodTotals;

    public UsageRepository(Database database) {
        this.dialect = database.dialect();
        this.insertEvents = dialect.bulkInsertReturning(LEDGER, TableStorage.MEMORY_OPTIMIZED, LEDGER_COLUMNS,
                List.of("TenantId", "IdempotencyKey"), List.of("IdempotencyKey"));
        for (Aggregation a : Aggregation.values()) {
            accumulate.put(a, dialect.bulkUpsert(BUCKET, BUCKET_COLUMNS, BUCKET_KEY,
                    List.of(new ColumnUpdate("Value", a.storeMode()), ColumnUpdate.add("EventCount"))));
        }
        this.insertSubjects = dialect.bulkInsertReturning("dbo.BillingUsageSubject", TableStorage.DISK, SUBJECT_COLUMNS,
                SUBJECT_KEY, List.of("Meter", "Granularity", "BucketStart"));
        this.distinctSubjects = dialect.render(DISTINCT_SUBJECTS);
        this.periodDistinct = dialect.render(PERIOD_DISTINCT);
        this.existingKeys = dialect.render(EXISTING_KEYS) + " " + dialect.inList("IdempotencyKey", SqlType.VARCHAR, 2);
        this.summary = dialect.render(SUMMARY);
        this.periodTotals = dialect.render(PERIOD_TOTALS);
    }

    /** The keys among {@code keys} that the tenant's ledger holds already. */
    public Uni<Set<String>> existingKeys(SqlClient conn, int tenantId, List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return conn.preparedQuery(existingKeys).execute(Tuple.of(tenantId, dialect.bindList(SqlType.VARCHAR, keys)))
                .map(rows -> {
                    Set<String> found = new HashSet<>();
                    for (Row r : rows) {
                        found.add(r.getString(0));
                    }
                    return found;
                });
    }

    /**
     * Inserts the events whose (tenant, key) is new and returns the keys really inserted; the
     * others were stored meanwhile by a concurrent request (they are duplicates). Rows go in key
     * order so concurrent batches wait on each other's keys in one order.
     */
    public Uni<Set<String>> insert(SqlClient conn, List<UsageEvent> events, LocalDateTime receivedAt) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<Object[]> rows = new ArrayList<>(events.size());
        events.stream().sorted(Comparator.comparingInt(UsageEvent::tenantId).thenComparing(UsageEvent::idempotencyKey))
                .forEach(e -> rows.add(new Object[]{e.tenantId(), e.meter().wire(), e.quantity(),
                        LocalDateTime.ofInstant(e.timestamp(), ZoneOffset.UTC), e.idempotencyKey(), e.reservationId(),
                        receivedAt}));
        return conn.preparedQuery(insertEvents.sql()).execute(Tuple.from(insertEvents.bind(rows))).map(result -> {
            Set<String> inserted = new HashSet<>();
            for (Row r : result) {
                inserted.add(r.getString(0));
            }
            return inserted;
        });
    }

    /** Adds the deltas to their buckets (creating them), one statement per aggregation present. */
    public Uni<Void> accumulate(SqlClient conn, Map<Buckets.Key, Buckets.Delta> deltas) {
        Map<Aggregation, List<Object[]>> byAggregation = new EnumMap<>(Aggregation.class);
        deltas.forEach((k, d) -> byAggregation.computeIfAbsent(k.meter().aggregation(), a -> new ArrayList<>())
                .add(new Object[]{k.tenantId(), k.meter().wire(), k.granularity().wire(), k.start(), d.value(), d.events()}));
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<Aggregation, List<Object[]>> e : byAggregation.entrySet()) {
            BulkInsert upsert = accumulate.get(e.getKey());
            chain = chain.chain(() -> conn.preparedQuery(upsert.sql()).execute(Tuple.from(upsert.bind(e.getValue())))
                    .replaceWithVoid());
        }
        return chain;
    }

    /** A subject seen in a bucket: {@code subjectHash} is SHA-256 of the subject (32 bytes). */
    public record Sighting(Buckets.Key bucket, byte[] subjectHash) {
    }

    /**
     * Records the sightings whose (bucket, subject) is new, skipping those stored already (also by a
     * concurrent transaction: it waits for it), and answers the bucket of each one it inserted — one
     * entry per subject first seen in that bucket. Sightings of one call must be distinct; rows go in
     * key order so concurrent batches lock them in one order.
     */
    public Uni<List<Buckets.Key>> firstSightings(SqlClient conn, List<Sighting> sightings, LocalDateTime now) {
        if (sightings.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Object[]> rows = new ArrayList<>(sightings.size());
        sightings.stream().sorted(Comparator.comparing(Sighting::bucket)
                        .thenComparing(Sighting::subjectHash, java.util.Arrays::compareUnsigned))
                .forEach(x -> rows.add(new Object[]{x.bucket().tenantId(), x.bucket().meter().wire(),
                        x.bucket().granularity().wire(), x.bucket().start(), x.subjectHash(), now}));
        int tenantId = sightings.get(0).bucket().tenantId();
        return conn.preparedQuery(insertSubjects.sql()).execute(Tuple.from(insertSubjects.bind(rows))).map(result -> {
            List<Buckets.Key> out = new ArrayList<>();
            for (Row r : result) {
                Meter meter = Meter.parse(r.getString(0)).orElseThrow();
                Granularity g = Granularity.parse(r.getString(1)).orElseThrow();
                out.add(new Buckets.Key(tenantId, meter, g, r.getLocalDateTime(2)));
            }
            return out;
        });
    }

    /**
     * The number of distinct subjects of the tenant's meter over the buckets of one granularity with
     * {@code from <= start < to}: exact, read from the first-sighting rows of those buckets.
     */
    public Uni<Long> distinctSubjects(SqlClient conn, int tenantId, Meter meter, Granularity granularity,
                                      LocalDateTime from, LocalDateTime to) {
        return conn.preparedQuery(distinctSubjects).execute(Tuple.of(tenantId, meter.wire(), granularity.wire(), from, to))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** One stored bucket. */
    public record Bucket(LocalDateTime start, long value) {
    }

    /** The tenant's buckets of one meter and granularity with {@code from <= start < to}, in time order. */
    public Uni<List<Bucket>> buckets(SqlClient conn, int tenantId, Meter meter, Granularity granularity,
                                     LocalDateTime from, LocalDateTime to) {
        return conn.preparedQuery(summary).execute(Tuple.of(tenantId, meter.wire(), granularity.wire(), from, to))
                .map(rows -> {
                    List<Bucket> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Bucket(r.getLocalDateTime(0), r.getLong(1)));
                    }
                    return out;
                });
    }

    /**
     * The tenant's usage per meter over {@code [from, to)} (whole days), by each meter's
     * aggregation: the sum of the day buckets, the greatest for {@code MAX} meters, the distinct
     * subjects of the whole range for {@code UNIQUE_COUNT} meters. Meters without usage are absent.
     */
    public Uni<Map<Meter, Long>> periodTotals(SqlClient conn, int tenantId, LocalDateTime from, LocalDateTime to) {
        return conn.preparedQuery(periodTotals).execute(Tuple.of(tenantId, from, to)).map(rows -> {
            Map<Meter, Long> out = new EnumMap<>(Meter.class);
            for (Row r : rows) {
                Meter.parse(r.getString(0)).filter(m -> !m.countsSubjects()).ifPresent(m ->
                        out.put(m, m.aggregation() == Aggregation.MAX ? r.getLong(2) : r.getLong(1)));
            }
            return out;
        }).chain(out -> conn.preparedQuery(periodDistinct).execute(Tuple.of(tenantId, from, to)).map(rows -> {
            for (Row r : rows) {
                Meter.parse(r.getString(0)).ifPresent(m -> out.put(m, r.getLong(1)));
            }
            return out;
        }));
    }
}
