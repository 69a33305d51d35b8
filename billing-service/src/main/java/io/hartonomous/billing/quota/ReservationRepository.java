package io.hartonomous.billing.quota;

import io.hartonomous.billing.meter.Meter;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.SqlType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code dbo.BillingReservation}. Lookups are scoped by tenant: another tenant's id is simply not
 * found. Status changes are conditional on {@code Status = 'Active'}, so each reservation is
 * resolved exactly once whatever races.
 */
@ApplicationScoped
public class ReservationRepository {

    private static final String INSERT = """
            INSERT INTO dbo.BillingReservation (ReservationId, TenantId, Meter, Amount, Status, CreatedAt, ExpiresAt)
            VALUES (?, ?, ?, ?, 'Active', ?, ?)""";
    private static final String COLUMNS = "ReservationId, TenantId, Meter, Amount, Status, CreatedAt, ExpiresAt, ResolvedAt";
    private static final String FIND = "SELECT " + COLUMNS + " FROM dbo.BillingReservation WHERE TenantId = ? AND ReservationId = ?";
    private static final String FIND_MANY = "SELECT " + COLUMNS + " FROM dbo.BillingReservation WHERE TenantId = ? AND";
    private static final String RESOLVE = """
            UPDATE dbo.BillingReservation SET Status = ?, ResolvedAt = ?
            WHERE TenantId = ? AND ReservationId = ? AND Status = 'Active'""";
    private static final String COMMIT_MANY = """
            UPDATE dbo.BillingReservation SET Status = 'Committed', ResolvedAt = ?
            WHERE TenantId = ? AND Status = 'Active' AND""";
    private static final String EXPIRE_OVERDUE = """
            UPDATE dbo.BillingReservation SET Status = 'Expired', ResolvedAt = ?, ResolutionId = ?
            WHERE Status = 'Active' AND ExpiresAt <= ?""";

    private final SqlDialect dialect;
    private final String insert;
    private final String find;
    private final String findMany;
    private final String resolve;
    private final String commitMany;
    private final String expireOverdue;

    public ReservationRepository(Database database) {
        this.dialect = database.dialect();
        this.insert = dialect.render(INSERT);
        this.find = dialect.render(FIND);
        this.findMany = dialect.render(FIND_MANY) + " " + dialect.inList("ReservationId", SqlType.UUID, 2);
        this.resolve = dialect.render(RESOLVE);
        this.commitMany = dialect.render(COMMIT_MANY) + " " + dialect.inList("ReservationId", SqlType.UUID, 3);
        this.expireOverdue = dialect.render(EXPIRE_OVERDUE);
    }

    public Uni<Void> insert(SqlClient conn, Reservation r) {
        return conn.preparedQuery(insert).execute(Tuple.from(List.of(r.id(), r.tenantId(), r.meter().wire(), r.amount(),
                utc(r.createdAt()), utc(r.expiresAt())))).replaceWithVoid();
    }

    /** The tenant's reservation; empty for an unknown id or another tenant's. */
    public Uni<Optional<Reservation>> find(SqlClient conn, int tenantId, UUID id) {
        return conn.preparedQuery(find).execute(Tuple.of(tenantId, id)).map(rows -> {
            for (Row r : rows) {
                return Optional.of(map(r));
            }
            return Optional.empty();
        });
    }

    /** The tenant's reservations among {@code ids}, by id. */
    public Uni<Map<UUID, Reservation>> findAll(SqlClient conn, int tenantId, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return conn.preparedQuery(findMany).execute(Tuple.of(tenantId, dialect.bindList(SqlType.UUID, List.copyOf(ids))))
                .map(rows -> {
                    Map<UUID, Reservation> out = new HashMap<>();
                    for (Row r : rows) {
                        Reservation res = map(r);
                        out.put(res.id(), res);
                    }
                    return out;
                });
    }

    /** Moves an active reservation to {@code status}; false if it was not active any more. */
    public Uni<Boolean> resolve(SqlClient conn, int tenantId, UUID id, String status, Instant now) {
        return conn.preparedQuery(resolve).execute(Tuple.of(status, utc(now), tenantId, id)).map(r -> r.rowCount() == 1);
    }

    /** Commits the active ones among {@code ids}; answers how many it committed. */
    public Uni<Integer> commitAll(SqlClient conn, int tenantId, Collection<UUID> ids, Instant now) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return conn.preparedQuery(commitMany)
                .execute(Tuple.of(utc(now), tenantId, dialect.bindList(SqlType.UUID, List.copyOf(ids))))
                .map(r -> r.rowCount());
    }

    /** Marks every overdue active reservation (all tenants) Expired under {@code resolutionId}. */
    public Uni<Integer> expireOverdue(SqlClient conn, UUID resolutionId, Instant now) {
        return conn.preparedQuery(expireOverdue).execute(Tuple.of(utc(now), resolutionId, utc(now))).map(r -> r.rowCount());
    }

    private static Reservation map(Row r) {
        return new Reservation(r.getUUID(0), r.getInteger(1), Meter.parse(r.getString(2)).orElseThrow(), r.getLong(3),
                r.getString(4), instant(r.getLocalDateTime(5)), instant(r.getLocalDateTime(6)), instant(r.getLocalDateTime(7)));
    }

    static LocalDateTime utc(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    static Instant instant(LocalDateTime t) {
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }
}
