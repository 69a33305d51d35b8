package io.hartonomous.billing.usage;

import io.hartonomous.billing.access.TenantAccess;
import io.hartonomous.billing.meter.Buckets;
import io.hartonomous.billing.meter.Granularity;
import io.hartonomous.billing.meter.Meter;
import io.hartonomous.billing.metrics.BillingMetrics;
import io.hartonomous.billing.quota.QuotaRepository;
import io.hartonomous.billing.quota.QuotaService;
import io.hartonomous.billing.quota.ReservationRepository;
import io.hartonomous.billing.tx.RetryableConflict;
import io.hartonomous.billing.tx.Transactions;
import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Records usage events exactly once. For each batch: static validation and in-batch de-duplication
 * (the first of equal keys wins), then one transaction that per tenant (ascending) locks the
 * tenant's quota rows of the batch's meters, reads which keys are stored and which reservations
 * are named, decides ({@link BatchDecision}), inserts the new events skipping concurrent
 * duplicates, folds exactly the inserted rows into the buckets, commits their reservations and
 * adds to the quotas. Serialization failures and deadlocks retry the whole transaction.
 */
@ApplicationScoped
public class UsageService {

    private final Transactions tx;
    private final UsageRepository usage;
    private final QuotaRepository quotas;
    private final QuotaService quotaService;
    private final ReservationRepository reservations;
    private final UsageConfig config;
    private final BillingMetrics metrics;
    private final EventValidator validator;

    public UsageService(Transactions tx, UsageRepository usage, QuotaRepository quotas, QuotaService quotaService,
                        ReservationRepository reservations, UsageConfig config, BillingMetrics metrics) {
        this.tx = tx;
        this.usage = usage;
        this.quotas = quotas;
        this.quotaService = quotaService;
        this.reservations = reservations;
        this.config = config;
        this.metrics = metrics;
        this.validator = new EventValidator(config.window(), config.futureSkew());
    }

    public int maxBatch() {
        return config.maxBatch();
    }

    /**
     * Records the events; answers one outcome per event, in request order.
     *
     * @throws HartonomousException {@link ErrorCode#FORBIDDEN} when a non-service caller names a
     *                              foreign tenant in any event (nothing is recorded then)
     */
    public Uni<List<EventOutcome>> record(Caller caller, List<UsageEventRequest> events) {
        Instant now = Instant.now();
        EventOutcome[] outcomes = new EventOutcome[events.size()];
        List<UsageEvent> valid = new ArrayList<>(events.size());
        Set<String> seen = new HashSet<>();
        int[] tenants = new int[events.size()];
        for (int i = 0; i < events.size(); i++) {
            UsageEventRequest e = events.get(i);
            tenants[i] = TenantAccess.actingTenant(caller, e == null ? null : e.tenant());
        }
        for (int i = 0; i < events.size(); i++) {
            UsageEventRequest e = events.get(i);
            EventValidator.Result result = validator.validate(i, tenants[i], e, now);
            if (result instanceof EventValidator.Invalid invalid) {
                outcomes[i] = EventOutcome.rejected(i, e == null ? null : e.idempotencyKey(), invalid.reason(), invalid.detail());
            } else {
                UsageEvent event = ((EventValidator.Valid) result).event();
                if (seen.add(event.tenantId() + "\u0000" + event.idempotencyKey())) {
                    valid.add(event);
                } else {
                    outcomes[i] = EventOutcome.duplicate(i, event.idempotencyKey());
                }
            }
        }
        long started = System.nanoTime();
        Uni<Map<Integer, EventOutcome>> stored = valid.isEmpty()
                ? Uni.createFrom().item(Map.of())
                : tx.run("record usage", config.transactionAttempts(), conn -> storeAll(conn, valid));
        return stored.map(decided -> {
            decided.forEach((i, o) -> outcomes[i] = o);
            List<EventOutcome> all = Arrays.asList(outcomes);
            count(all);
            return all;
        }).onTermination().invoke(() -> metrics.ingestTook(Duration.ofNanos(System.nanoTime() - started)));
    }

    private void count(List<EventOutcome> outcomes) {
        Map<String, Long> counts = new HashMap<>();
        for (EventOutcome o : outcomes) {
            counts.merge(o.outcome() + "\u0000" + (o.reason() == null ? "none" : o.reason()), 1L, Long::sum);
        }
        counts.forEach((k, n) -> {
            String[] parts = k.split("\u0000");
            metrics.events(parts[0], parts[1], n);
        });
    }

    /** One attempt of the batch transaction: builds all its state afresh (it may be retried). */
    private Uni<Map<Integer, EventOutcome>> storeAll(SqlClient conn, List<UsageEvent> events) {
        Map<Integer, List<UsageEvent>> byTenant = new TreeMap<>();
        for (UsageEvent e : events) {
            byTenant.computeIfAbsent(e.tenantId(), t -> new ArrayList<>()).add(e);
        }
        Map<Integer, EventOutcome> decided = new HashMap<>();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<Integer, List<UsageEvent>> tenant : byTenant.entrySet()) {
            chain = chain.chain(() -> storeTenant(conn, tenant.getKey(), tenant.getValue(), now).invoke(decided::putAll))
                    .replaceWithVoid();
        }
        return chain.replaceWith(decided);
    }

    private Uni<Map<Integer, EventOutcome>> storeTenant(SqlClient conn, int tenantId, List<UsageEvent> events, Instant now) {
        LocalDateTime nowUtc = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
        Set<Meter> meters = new HashSet<>();
        events.forEach(e -> meters.add(e.meter()));
        Set<UUID> named = new LinkedHashSet<>();
        events.forEach(e -> {
            if (e.reservationId() != null) {
                named.add(e.reservationId());
            }
        });
        List<String> keys = events.stream().map(UsageEvent::idempotencyKey).toList();
        return quotas.lockRows(conn, tenantId, meters, nowUtc)
                .chain(() -> quotaService.states(conn, tenantId))
                .chain(states -> usage.existingKeys(conn, tenantId, keys)
                        .chain(stored -> reservations.findAll(conn, tenantId, named)
                                .map(found -> BatchDecision.decide(events, stored, states, found, now))))
                .chain(decision -> usage.insert(conn, decision.toInsert(), nowUtc).chain(inserted ->
                        applyInserted(conn, tenantId, decision, inserted, now)));
    }

    private Uni<Map<Integer, EventOutcome>> applyInserted(SqlClient conn, int tenantId, BatchDecision.Result decision,
                                                          Set<String> inserted, Instant now) {
        Map<Integer, EventOutcome> outcomes = new HashMap<>(decision.decided());
        List<Buckets.Usage> counted = new ArrayList<>();
        List<UUID> committing = new ArrayList<>();
        Map<Meter, long[]> deltas = new EnumMap<>(Meter.class);
        Map<UUID, UsageEvent> byReservation = new HashMap<>();
        List<UsageRepository.Sighting> sightings = new ArrayList<>();
        Set<String> sighted = new HashSet<>();
        for (UsageEvent e : decision.toInsert()) {
            if (!inserted.contains(e.idempotencyKey())) {
                // stored by a concurrent request after we looked: it is counted there, not here
                outcomes.put(e.index(), EventOutcome.duplicate(e.index(), e.idempotencyKey()));
                continue;
            }
            outcomes.put(e.index(), EventOutcome.accepted(e.index(), e.idempotencyKey()));
            counted.add(new Buckets.Usage(tenantId, e.meter(), e.quantity(), e.timestamp()));
            // a subject's quota charge is known only once its day row is found new (below)
            deltas.computeIfAbsent(e.meter(), m -> new long[2])[0] += e.meter().countsSubjects() ? 0 : e.quotaCharge();
            if (e.meter().countsSubjects()) {
                byte[] hash = subjectHash(e.subject());
                for (Granularity g : Granularity.values()) {
                    Buckets.Key bucket = new Buckets.Key(tenantId, e.meter(), g, g.bucketStart(e.timestamp()));
                    if (sighted.add(bucket + "\u0000" + HexFormat.of().formatHex(hash))) {
                        sightings.add(new UsageRepository.Sighting(bucket, hash));
                    }
                }
            }
            if (e.reservationId() != null) {
                committing.add(e.reservationId());
                byReservation.put(e.reservationId(), e);
            }
        }
        if (counted.isEmpty()) {
            return Uni.createFrom().item(outcomes);
        }
        return reservations.findAll(conn, tenantId, committing).chain(found -> {
            for (UUID id : committing) {
                // the amount reserved is freed whole; the usage counts what was really used
                deltas.get(byReservation.get(id).meter())[1] -= found.get(id).amount();
            }
            return reservations.commitAll(conn, tenantId, committing, now);
        }).chain(committed -> {
            if (committed != committing.size()) {
                throw new RetryableConflict("a reservation changed while usage committed it");
            }
            metrics.reservations("committed", committed);
            return usage.firstSightings(conn, sightings, LocalDateTime.ofInstant(now, ZoneOffset.UTC));
        }).chain(firstSightings -> {
            for (Buckets.Key k : firstSightings) {
                if (k.granularity() == Granularity.DAY) {
                    deltas.get(k.meter())[0] += 1;
                }
            }
            return usage.accumulate(conn, Buckets.aggregate(counted, firstSightings));
        }).chain(() -> quotas.addDeltas(conn, tenantId, deltas, LocalDateTime.ofInstant(now, ZoneOffset.UTC)))
                .replaceWith(outcomes);
    }

    /** SHA-256 of the subject's UTF-8 bytes: fixed-width keys, and no tenant text stored. */
    static byte[] subjectHash(String subject) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * A summary answer: total and buckets of one meter. The total is the sum of the buckets, their
     * greatest for MAX meters, and for UNIQUE_COUNT meters the distinct subjects of all the buckets.
     */
    public record Summary(String meter, Instant from, Instant to, String window, long total, List<SummaryBucket> buckets) {
    }

    public record SummaryBucket(Instant start, long value) {
    }

    /**
     * The tenant's usage of {@code meter} in windows of {@code granularity} over
     * {@code [from, to)}; {@code from} is aligned down to its window. Answers from the buckets only
     * (and, for UNIQUE_COUNT meters, the first-sighting rows of the same buckets).
     */
    public Uni<Summary> summary(int tenantId, Meter meter, Granularity granularity, Instant from, Instant to) {
        LocalDateTime start = granularity.bucketStart(from);
        LocalDateTime end = LocalDateTime.ofInstant(to, ZoneOffset.UTC);
        long windows = granularity.unit().between(start, end);
        if (!start.isBefore(end)) {
            throw HartonomousException.invalid("from must be before to.");
        }
        if (windows > 100_000) {
            throw HartonomousException.invalid("The range holds " + windows + " " + granularity.wire()
                    + " windows; ask for at most 100000 (use a larger window).");
        }
        return tx.run("read usage", conn -> usage.buckets(conn, tenantId, meter, granularity, start, end)
                .chain(buckets -> meter.countsSubjects()
                        ? usage.distinctSubjects(conn, tenantId, meter, granularity, start, end).map(distinct ->
                        summary(meter, granularity, start, to, buckets, distinct))
                        : Uni.createFrom().item(summary(meter, granularity, start, to, buckets, null))));
    }

    /** {@code distinct}: the distinct total of a UNIQUE_COUNT meter (buckets cannot be added up); else null. */
    private static Summary summary(Meter meter, Granularity granularity, LocalDateTime start, Instant to,
                                   List<UsageRepository.Bucket> buckets, Long distinct) {
        long total = 0;
        List<SummaryBucket> out = new ArrayList<>(buckets.size());
        for (UsageRepository.Bucket b : buckets) {
            total = meter.aggregation().combine(total, b.value());
            out.add(new SummaryBucket(b.start().toInstant(ZoneOffset.UTC), b.value()));
        }
        return new Summary(meter.wire(), start.toInstant(ZoneOffset.UTC), to, granularity.wire(),
                distinct == null ? total : distinct, out);
    }
}
