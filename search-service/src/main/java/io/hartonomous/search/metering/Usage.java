package io.hartonomous.search.metering;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Usage of searches, embeddings and inference, queued without delaying the request and sent to
 * billing-service every second in per-tenant batches. Each event has an idempotency key fixed when
 * it is recorded, so a batch resent after a timeout is counted once.
 */
@ApplicationScoped
public class Usage {

    public static final String SEARCHES = "searches";
    public static final String EMBEDDINGS = "embeddings";
    public static final String INFERENCE_MS = "inference_ms";

    private static final Logger LOG = Logger.getLogger(Usage.class);

    private record Event(int tenant, Map<String, Object> body) {
    }

    private final Metering metering;
    private final MeteringConfig config;
    private final ConcurrentLinkedDeque<Event> pending = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Counter dropped;

    public Usage(Metering metering, MeteringConfig config, MeterRegistry registry) {
        this.metering = metering;
        this.config = config;
        this.dropped = Counter.builder("hartonomous_search_usage_dropped_total")
                .description("usage events dropped while billing was unreachable").register(registry);
    }

    /** Queues one event; {@code key} must identify it uniquely and stably. */
    public void record(int tenant, String meter, long quantity, String key) {
        if (!config.enabled() || quantity <= 0) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("idempotencyKey", "search-service:" + key);
        body.put("meter", meter);
        body.put("quantity", quantity);
        body.put("timestamp", Instant.now().toString());
        body.put("tenant", tenant);
        pending.addLast(new Event(tenant, body));
        if (size.incrementAndGet() > config.maxPending()) {
            pending.pollFirst();
            size.decrementAndGet();
            dropped.increment();
        }
    }

    public int pending() {
        return size.get();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flush() {
        if (!config.enabled()) {
            return;
        }
        Map<Integer, List<Event>> byTenant = new LinkedHashMap<>();
        for (int i = 0; i < 5000; i++) {
            Event e = pending.pollFirst();
            if (e == null) {
                break;
            }
            size.decrementAndGet();
            byTenant.computeIfAbsent(e.tenant(), t -> new ArrayList<>()).add(e);
        }
        byTenant.forEach((tenant, events) -> {
            for (int i = 0; i < events.size(); i += 1000) {
                List<Event> part = events.subList(i, Math.min(events.size(), i + 1000));
                try {
                    metering.report(tenant, part.stream().map(Event::body).toList());
                } catch (RuntimeException e) {
                    LOG.warnf("usage not reported yet (%d events kept): %s", part.size(), e.getMessage());
                    for (int j = part.size() - 1; j >= 0; j--) {
                        pending.addFirst(part.get(j));
                        size.incrementAndGet();
                    }
                }
            }
        });
    }
}
