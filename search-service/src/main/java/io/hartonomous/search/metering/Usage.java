package io.hartonomous.search.metering;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Usage of searches, embeddings and inference. {@link #record} only queues (a request never waits
 * for billing or for a write); every second the queue is written to the outbox
 * (dbo.SearchUsageOutbox, one statement per batch) and the outbox is sent to billing-service in
 * per-tenant batches, each event deleted once billing has answered for it. Each event has an
 * idempotency key fixed when it is recorded, so an event sent twice (a timeout, a crash between
 * sending and deleting, two instances draining at once) is counted once. What survives a crash is
 * what reached the outbox: events recorded in the last second before a kill are lost (a clean
 * shutdown writes them).
 */
@ApplicationScoped
public class Usage {

    public static final String SEARCHES = "searches";
    public static final String EMBEDDINGS = "embeddings";
    public static final String INFERENCE_MS = "inference_ms";

    private static final Logger LOG = Logger.getLogger(Usage.class);
    /** Events per statement and per request to billing. */
    static final int BATCH = 1000;

    private final Metering metering;
    private final MeteringConfig config;
    private final UsageRepository outbox;
    private final ConcurrentLinkedDeque<UsageRepository.Event> pending = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Counter dropped;
    private final Counter sent;

    public Usage(Metering metering, MeteringConfig config, UsageRepository outbox, MeterRegistry registry) {
        this.metering = metering;
        this.config = config;
        this.outbox = outbox;
        this.dropped = Counter.builder("hartonomous_search_usage_dropped_total")
                .description("usage events dropped while the database was unreachable").register(registry);
        this.sent = Counter.builder("hartonomous_search_usage_sent_total")
                .description("usage events billing-service answered for").register(registry);
    }

    /** Queues one event; {@code key} must identify it uniquely and stably. */
    public void record(int tenant, String meter, long quantity, String key) {
        if (!config.enabled() || quantity <= 0) {
            return;
        }
        pending.addLast(new UsageRepository.Event(0, tenant, "search-service:" + key, meter, quantity,
                LocalDateTime.now(ZoneOffset.UTC)));
        if (size.incrementAndGet() > config.maxPending()) {
            pending.pollFirst();
            size.decrementAndGet();
            dropped.increment();
        }
    }

    /** Events recorded and not yet in the outbox. */
    public int pending() {
        return size.get();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flush() {
        if (!config.enabled()) {
            return;
        }
        try {
            persist();
            drain();
        } catch (RuntimeException e) {
            LOG.warnf("usage not reported yet (%d events queued): %s", size.get(), e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (config.enabled()) {
            try {
                persist();
            } catch (RuntimeException e) {
                LOG.errorf("%d usage events lost at shutdown: %s", size.get(), e.getMessage());
            }
        }
    }

    /** Writes the queued events to the outbox, a batch per statement; on failure they stay queued. */
    public void persist() {
        while (true) {
            List<UsageRepository.Event> batch = new ArrayList<>();
            for (UsageRepository.Event e; batch.size() < BATCH && (e = pending.pollFirst()) != null; ) {
                batch.add(e);
            }
            if (batch.isEmpty()) {
                return;
            }
            size.addAndGet(-batch.size());
            try {
                outbox.insert(batch);
            } catch (RuntimeException e) {
                for (int j = batch.size() - 1; j >= 0; j--) {
                    pending.addFirst(batch.get(j));
                }
                size.addAndGet(batch.size());
                throw e;
            }
        }
    }

    /**
     * Sends the outbox, oldest first, in per-tenant batches, deleting what billing answered for;
     * stops at the first failure (the rest is sent by a later round). Returns how many events went.
     */
    public int drain() {
        int total = 0;
        for (int round = 0; round < 100; round++) {
            List<UsageRepository.Event> events = outbox.oldest(BATCH);
            Map<Integer, List<UsageRepository.Event>> byTenant = new LinkedHashMap<>();
            events.forEach(e -> byTenant.computeIfAbsent(e.tenant(), t -> new ArrayList<>()).add(e));
            for (Map.Entry<Integer, List<UsageRepository.Event>> t : byTenant.entrySet()) {
                metering.report(t.getKey(), t.getValue().stream().map(Usage::body).toList());
                outbox.delete(t.getKey(), t.getValue().stream().map(UsageRepository.Event::outboxId).toList());
                sent.increment(t.getValue().size());
                total += t.getValue().size();
            }
            if (events.size() < BATCH) {
                break;
            }
        }
        return total;
    }

    private static Map<String, Object> body(UsageRepository.Event e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("idempotencyKey", e.key());
        body.put("meter", e.meter());
        body.put("quantity", e.quantity());
        body.put("timestamp", e.occurredAt().toInstant(ZoneOffset.UTC).toString());
        body.put("tenant", e.tenant());
        return body;
    }
}
