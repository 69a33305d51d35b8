package io.hartonomous.billing.quota;

import io.hartonomous.billing.meter.Meter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * {@code hartonomous.billing.quota.*}: default lifetime limits per meter (for tenants without an
 * explicit limit) and reservation lifetimes. For a MAX meter the limit caps each reported value;
 * for a UNIQUE_COUNT meter it limits subject-days (see {@code Aggregation}).
 */
@ConfigMapping(prefix = "hartonomous.billing.quota")
public interface QuotaConfig {

    /** The reference's default: five billion atoms per tenant. */
    @WithDefault("5000000000")
    long atomsStored();

    @WithDefault("1000000000000000")
    long bytesIngested();

    @WithDefault("1000000000")
    long ingestJobs();

    @WithDefault("1000000000000")
    long searches();

    @WithDefault("1000000000000")
    long embeddings();

    @WithDefault("1000000000000000")
    long inferenceMs();

    /** A ceiling, not a total: the most jobs a tenant may report running at once. */
    @WithDefault("1000")
    long peakConcurrentJobs();

    /** Subject-days: each distinct model adds 1 on every UTC day it is used. */
    @WithDefault("1000000")
    long modelsUsed();

    /** Lifetime of a reservation when the request names none. */
    @WithDefault("PT5M")
    Duration reservationTtl();

    /** The longest lifetime a request may ask for. */
    @WithDefault("PT1H")
    Duration maxReservationTtl();

    /** How often overdue reservations are expired. */
    @WithDefault("10s")
    String sweepInterval();

    default long defaultLimit(Meter meter) {
        return switch (meter) {
            case ATOMS_STORED -> atomsStored();
            case BYTES_INGESTED -> bytesIngested();
            case INGEST_JOBS -> ingestJobs();
            case SEARCHES -> searches();
            case EMBEDDINGS -> embeddings();
            case INFERENCE_MS -> inferenceMs();
            case PEAK_CONCURRENT_JOBS -> peakConcurrentJobs();
            case MODELS_USED -> modelsUsed();
        };
    }
}
