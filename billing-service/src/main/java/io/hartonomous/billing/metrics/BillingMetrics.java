package io.hartonomous.billing.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** Counters and timers of the billing-service. */
@ApplicationScoped
public class BillingMetrics {

    private final MeterRegistry registry;
    private final Timer ingest;
    private final Timer reservation;

    public BillingMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.ingest = Timer.builder("hartonomous.billing.ingest")
                .description("Time to record one batch of usage events (one transaction)")
                .publishPercentileHistogram().register(registry);
        this.reservation = Timer.builder("hartonomous.billing.reservation")
                .description("Time to grant or refuse one quota reservation")
                .publishPercentileHistogram().register(registry);
    }

    /** {@code hartonomous_billing_events_total{outcome, reason}}. */
    public void events(String outcome, String reason, long count) {
        if (count > 0) {
            Counter.builder("hartonomous.billing.events").tag("outcome", outcome).tag("reason", reason == null ? "none" : reason)
                    .register(registry).increment(count);
        }
    }

    /** {@code hartonomous_billing_reservations_total{outcome}}: granted, refused, committed, released, expired. */
    public void reservations(String outcome, long count) {
        if (count > 0) {
            Counter.builder("hartonomous.billing.reservations").tag("outcome", outcome).register(registry).increment(count);
        }
    }

    public void ingestTook(Duration d) {
        ingest.record(d);
    }

    public void reservationTook(Duration d) {
        reservation.record(d);
    }
}
