package io.hartonomous.billing.quota;

import io.hartonomous.billing.meter.Meter;
import io.hartonomous.common.db.BulkInsert;
import io.hartonomous.common.db.Column;
import io.hartonomous.common.db.ColumnUpdate;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.SqlType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dbo.BillingQuota}: one row per tenant and meter, created on first use with
 * {@code LimitValue} NULL (the configured default applies). Every statement is scoped by tenant,
 * except the expiry sweep, which is scoped by the sweep's resolution id.
 */
@ApplicationScoped
public class QuotaRepository {

    static final String TABLE = "dbo.BillingQuota";
    private static final List<Column> COLUMNS = List.of(Column.of("TenantId", SqlType.INT),
            Column.of("Meter", SqlType.VARCHAR), Column.of("LimitValue", SqlType.BIGINT), Column.of("Used", SqlType.BIGINT),
            Column.of("Reserved", SqlType.BIGINT), Column.of("UpdatedAt", SqlType.TIMESTAMP));
    private static final List<String> NAMES = COLUMNS.stream().map(Column::name).toList();
    private static final List<String> KEY = List.of("TenantId", "Meter");

    private static final String FIND = """
            SELECT Meter, LimitValue, Used, Reserved FROM dbo.BillingQuota WHERE TenantId = ?""";
    /** The row lock of this UPDATE serializes concurrent reservations; the WHERE re-checks after the wait. */
    private static final String TRY_RESERVE = """
            UPDATE dbo.BillingQuota SET Reserved = Reserved + ?, UpdatedAt = ?
            WHERE TenantId = ? AND Meter = ? AND Used + Reserved + ? <= COALESCE(LimitValue, ?)""";
    private static final String ADD = """
            UPDATE dbo.BillingQuota SET Used = Used + ?, Reserved = Reserved + ?, UpdatedAt = ?
            WHERE TenantId = ? AND Meter = ?""";
    private static final String RELEASE = """
            UPDATE dbo.BillingQuota SET Reserved = Reserved - ?, UpdatedAt = ? WHERE TenantId = ? AND Meter = ?""";
    /** Frees what the reservations resolved by one sweep (one resolution id) held, for every tenant at once. */
    private static final String RELEASE_RESOLVED = """
            UPDATE dbo.BillingQuota
            SET Reserved = Reserved - (SELECT SUM(r.Amount) FROM dbo.BillingReservation r
                                       WHERE r.ResolutionId = ? AND r.TenantId = dbo.BillingQuota.TenantId
                                         AND r.Meter = dbo.BillingQuota.Meter),
                UpdatedAt = ?
            WHERE EXISTS (SELECT 1 FROM dbo.BillingReservation r
                          WHERE r.ResolutionId = ? AND r.TenantId = dbo.BillingQuota.TenantId
                            AND r.Meter = dbo.BillingQuota.Meter)""";

    private final String find;
    private final String tryReserve;
    private final String release;
    private final String add;
    private final String releaseResolved;
    private final String insertIfAbsent;
    private final String setLimit;
    private final BulkInsert lockRows;

    public QuotaRepository(Database database) {
        SqlDialect dialect = database.dialect();
        this.find = dialect.render(FIND);
        this.tryReserve = dialect.render(TRY_RESERVE);
        this.release = dialect.render(RELEASE);
        this.add = dialect.render(ADD);
        this.releaseResolved = dialect.render(RELEASE_RESOLVED);
        this.insertIfAbsent = dialect.insertIfAbsent(TABLE, NAMES, KEY);
        this.setLimit = dialect.upsert(TABLE, NAMES, KEY, List.of("LimitValue", "UpdatedAt"));
        this.lockRows = dialect.bulkUpsert(TABLE, COLUMNS, KEY,
                List.of(ColumnUpdate.add("Used"), ColumnUpdate.replace("UpdatedAt")));
    }

    /** One row's stored values; {@code limit} null means the default. */
    public record StoredQuota(Meter meter, Long limit, long used, long reserved) {
    }

    /** The tenant's stored quota rows by meter (meters never used are absent). */
    public Uni<Map<Meter, StoredQuota>> find(SqlClient conn, int tenantId) {
        return conn.preparedQuery(find).execute(Tuple.of(tenantId)).map(rows -> {
            Map<Meter, StoredQuota> out = new EnumMap<>(Meter.class);
            for (Row r : rows) {
                Meter.parse(r.getString(0)).ifPresent(m -> out.put(m,
                        new StoredQuota(m, r.getLong(1), r.getLong(2), r.getLong(3))));
            }
            return out;
        });
    }

    /**
     * Creates the tenant's missing rows of {@code meters} (default limit) and locks all of them until
     * the transaction ends, in one statement ({@code Used = Used + 0}): no other transaction can
     * change them meanwhile, so what is read next stays true until commit.
     */
    public Uni<Void> lockRows(SqlClient conn, int tenantId, java.util.Collection<Meter> meters, LocalDateTime now) {
        if (meters.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Object[]> rows = new ArrayList<>();
        meters.stream().distinct().sorted((a, b) -> a.wire().compareTo(b.wire()))
                .forEach(m -> rows.add(new Object[]{tenantId, m.wire(), null, 0L, 0L, now}));
        return conn.preparedQuery(lockRows.sql()).execute(Tuple.from(lockRows.bind(rows))).replaceWithVoid();
    }

    /**
     * Adds {@code deltas[meter] = {used, reserved}} to the tenant's existing rows (one statement
     * executed as a batch: at most one row per meter). The quota CHECK rejects a result below zero.
     * Not an upsert: PostgreSQL checks constraints on the candidate insert row, and a negative
     * reserved delta is not a valid row.
     */
    public Uni<Void> addDeltas(SqlClient conn, int tenantId, Map<Meter, long[]> deltas, LocalDateTime now) {
        if (deltas.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> batch = new ArrayList<>();
        deltas.entrySet().stream().sorted(Map.Entry.comparingByKey((a, b) -> a.wire().compareTo(b.wire())))
                .forEach(e -> batch.add(Tuple.of(e.getValue()[0], e.getValue()[1], now, tenantId, e.getKey().wire())));
        return conn.preparedQuery(add).executeBatch(batch).replaceWithVoid();
    }

    public Uni<Void> ensureRow(SqlClient conn, int tenantId, Meter meter, LocalDateTime now) {
        return conn.preparedQuery(insertIfAbsent).execute(Tuple.from(Arrays.asList(tenantId, meter.wire(), null, 0L, 0L, now)))
                .replaceWithVoid();
    }

    /** Reserves {@code amount} if it fits; true when it did. */
    public Uni<Boolean> tryReserve(SqlClient conn, int tenantId, Meter meter, long amount, long defaultLimit,
                                   LocalDateTime now) {
        return conn.preparedQuery(tryReserve).execute(Tuple.from(List.of(amount, now, tenantId, meter.wire(), amount, defaultLimit)))
                .map(r -> r.rowCount() == 1);
    }

    public Uni<Void> release(SqlClient conn, int tenantId, Meter meter, long amount, LocalDateTime now) {
        return conn.preparedQuery(release).execute(Tuple.of(amount, now, tenantId, meter.wire())).replaceWithVoid();
    }

    /** Frees the amounts of every reservation marked with {@code resolutionId}, all tenants at once. */
    public Uni<Integer> releaseResolved(SqlClient conn, java.util.UUID resolutionId, LocalDateTime now) {
        return conn.preparedQuery(releaseResolved).execute(Tuple.of(resolutionId, now, resolutionId)).map(r -> r.rowCount());
    }

    /** Sets (or with null, resets to the default) the tenant's limit of a meter. */
    public Uni<Void> setLimit(SqlClient conn, int tenantId, Meter meter, Long limit, LocalDateTime now) {
        return conn.preparedQuery(setLimit).execute(Tuple.from(Arrays.asList(tenantId, meter.wire(), limit, 0L, 0L, now)))
                .replaceWithVoid();
    }
}
