package io.hartonomous.billing.quota;

import io.hartonomous.billing.meter.Meter;
import io.hartonomous.billing.metrics.BillingMetrics;
import io.hartonomous.billing.tx.RetryableConflict;
import io.hartonomous.billing.tx.Transactions;
import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Quotas and reservations of one tenant at a time (the expiry sweep: of all tenants). */
@ApplicationScoped
public class QuotaService {

    private static final Logger LOG = Logger.getLogger(QuotaService.class);

    private final Transactions tx;
    private final QuotaRepository quotas;
    private final ReservationRepository reservations;
    private final QuotaConfig config;
    private final BillingMetrics metrics;

    public QuotaService(Transactions tx, QuotaRepository quotas, ReservationRepository reservations, QuotaConfig config,
                        BillingMetrics metrics) {
        this.tx = tx;
        this.quotas = quotas;
        this.reservations = reservations;
        this.config = config;
        this.metrics = metrics;
    }

    /** Every meter's quota state of the tenant, stored or default. */
    public Uni<Map<Meter, QuotaState>> states(SqlClient conn, int tenantId) {
        return quotas.find(conn, tenantId).map(this::states);
    }

    Map<Meter, QuotaState> states(Map<Meter, QuotaRepository.StoredQuota> stored) {
        Map<Meter, QuotaState> out = new EnumMap<>(Meter.class);
        for (Meter m : Meter.values()) {
            QuotaRepository.StoredQuota row = stored.get(m);
            out.put(m, row == null
                    ? new QuotaState(m, null, config.defaultLimit(m), 0, 0)
                    : new QuotaState(m, row.limit(), row.limit() == null ? config.defaultLimit(m) : row.limit(), row.used(),
                    row.reserved()));
        }
        return out;
    }

    /** The configured limit of a meter for tenants without an explicit one. */
    public long defaultLimit(Meter meter) {
        return config.defaultLimit(meter);
    }

    public Uni<List<QuotaView>> list(int tenantId) {
        return tx.run("read quotas", conn -> states(conn, tenantId))
                .map(states -> states.values().stream().map(QuotaView::of).toList());
    }

    /** Sets the tenant's limit of a meter; null resets it to the configured default. */
    public Uni<QuotaView> setLimit(int tenantId, Meter meter, Long limit) {
        if (limit != null && limit < 0) {
            throw HartonomousException.invalid("limit must be a non-negative integer.");
        }
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        return tx.run("set a quota", conn -> quotas.setLimit(conn, tenantId, meter, limit, now)
                .chain(() -> states(conn, tenantId))).map(states -> QuotaView.of(states.get(meter)));
    }

    /**
     * Reserves {@code amount} of the tenant's quota of {@code meter} for {@code ttl}.
     *
     * @throws HartonomousException {@link ErrorCode#QUOTA_EXCEEDED} (429) with {@code remaining},
     *                              {@code limit}, {@code used}, {@code reserved} when it does not fit
     */
    public Uni<ReservationView> reserve(int tenantId, Meter meter, long amount, Duration ttl) {
        if (amount <= 0) {
            throw HartonomousException.invalid("amount must be a positive integer.");
        }
        Duration lifetime = ttl == null ? config.reservationTtl() : ttl;
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(config.maxReservationTtl()) > 0) {
            throw HartonomousException.invalid("ttlSeconds must be between 1 and " + config.maxReservationTtl().toSeconds() + ".");
        }
        long started = System.nanoTime();
        return tx.run("reserve quota", conn -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            LocalDateTime nowUtc = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
            Reservation r = new Reservation(UUID.randomUUID(), tenantId, meter, amount, Reservation.ACTIVE, now,
                    now.plus(lifetime), null);
            return quotas.ensureRow(conn, tenantId, meter, nowUtc)
                    .chain(() -> quotas.tryReserve(conn, tenantId, meter, amount, config.defaultLimit(meter), nowUtc))
                    .chain(granted -> granted
                            ? reservations.insert(conn, r).replaceWith(ReservationView.of(r))
                            : states(conn, tenantId).map(states -> {
                                throw exceeded(states.get(meter), amount);
                            }));
        }).onItemOrFailure().invoke((ok, failure) -> {
            metrics.reservationTook(Duration.ofNanos(System.nanoTime() - started));
            metrics.reservations(ok != null ? "granted" : failure instanceof HartonomousException h
                    && h.code() == ErrorCode.QUOTA_EXCEEDED ? "refused" : "failed", 1);
        });
    }

    static HartonomousException exceeded(QuotaState state, long amount) {
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("meter", state.meter().wire());
        ext.put("requested", amount);
        ext.put("remaining", state.remaining());
        ext.put("limit", state.limit());
        ext.put("used", state.used());
        ext.put("reserved", state.reserved());
        return new HartonomousException(ErrorCode.QUOTA_EXCEEDED, "Reserving " + amount + " of " + state.meter().wire()
                + " would pass the quota: " + state.remaining() + " remaining.", ext, null);
    }

    /**
     * The tenant's reservation of {@code meter} (any meter when null); 404 for an unknown id, another
     * meter's or another tenant's.
     */
    public Uni<ReservationView> get(int tenantId, Meter meter, UUID id) {
        return tx.run("read a reservation", conn -> reservations.find(conn, tenantId, id))
                .map(found -> found.filter(r -> meter == null || r.meter() == meter).map(ReservationView::of)
                        .orElseThrow(() -> notFound(id)));
    }

    /**
     * Releases an active reservation of {@code meter} (any meter when null), freeing its amount. 404
     * as {@link #get}; 409 when no longer active.
     */
    public Uni<ReservationView> release(int tenantId, Meter meter, UUID id) {
        return tx.run("release a reservation", conn -> reservations.find(conn, tenantId, id).chain(found -> {
            Reservation r = found.filter(x -> meter == null || x.meter() == meter).orElseThrow(() -> notFound(id));
            if (!Reservation.ACTIVE.equals(r.status())) {
                throw new HartonomousException(ErrorCode.CONFLICT, "The reservation is already "
                        + r.status().toLowerCase() + ".");
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return reservations.resolve(conn, tenantId, id, Reservation.RELEASED, now).chain(changed -> {
                if (!changed) {
                    throw new RetryableConflict("reservation " + id + " changed while being released");
                }
                return quotas.release(conn, tenantId, r.meter(), r.amount(), LocalDateTime.ofInstant(now, ZoneOffset.UTC))
                        .replaceWith(ReservationView.of(new Reservation(r.id(), r.tenantId(), r.meter(), r.amount(),
                                Reservation.RELEASED, r.createdAt(), r.expiresAt(), now)));
            });
        })).invoke(() -> metrics.reservations("released", 1));
    }

    /** Expires every overdue active reservation of every tenant and frees their amounts; answers how many. */
    public Uni<Integer> expireOverdue() {
        return tx.run("expire reservations", conn -> {
            UUID resolution = UUID.randomUUID();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return reservations.expireOverdue(conn, resolution, now).chain(expired -> expired == 0
                    ? Uni.createFrom().item(0)
                    : quotas.releaseResolved(conn, resolution, LocalDateTime.ofInstant(now, ZoneOffset.UTC)).replaceWith(expired));
        }).invoke(n -> {
            metrics.reservations("expired", n);
            if (n > 0) {
                LOG.infof("expired %d overdue reservations", n);
            }
        });
    }

    private static HartonomousException notFound(UUID id) {
        return HartonomousException.notFound("No reservation " + id + ".");
    }
}
