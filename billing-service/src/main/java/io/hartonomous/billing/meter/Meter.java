package io.hartonomous.billing.meter;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The meters of the suite. The wire name (e.g. {@code atoms_stored}) is part of the API and is what
 * the ledger stores in {@code OperationType}; it never changes meaning.
 */
public enum Meter {
    ATOMS_STORED(Aggregation.SUM),
    BYTES_INGESTED(Aggregation.SUM),
    INGEST_JOBS(Aggregation.COUNT),
    SEARCHES(Aggregation.COUNT),
    EMBEDDINGS(Aggregation.SUM),
    INFERENCE_MS(Aggregation.SUM),
    /**
     * The greatest number of ingestion jobs of the tenant running at once, as reported (quantity =
     * jobs running at the event's time). Buckets and summaries give the peak, not a sum.
     */
    PEAK_CONCURRENT_JOBS(Aggregation.MAX),
    /**
     * The number of distinct models used for inference; each event names the model (its content hash
     * or id) as {@code subject}. Buckets give the distinct models of the window; the summary total the
     * distinct models of the whole range.
     */
    MODELS_USED(Aggregation.UNIQUE_COUNT);

    private final Aggregation aggregation;

    Meter(Aggregation aggregation) {
        this.aggregation = aggregation;
    }

    public Aggregation aggregation() {
        return aggregation;
    }

    /** Whether events of this meter must name a {@code subject} (and only they may). */
    public boolean countsSubjects() {
        return aggregation == Aggregation.UNIQUE_COUNT;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The meter of a wire name, exactly as spelled (lower case); empty for anything else. */
    public static Optional<Meter> parse(String wire) {
        if (wire == null) {
            return Optional.empty();
        }
        for (Meter m : values()) {
            if (m.wire().equals(wire)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** The wire names of the meters that count distinct subjects, comma separated. */
    public static String subjectMeterNames() {
        return Arrays.stream(values()).filter(Meter::countsSubjects).map(Meter::wire).collect(Collectors.joining(", "));
    }

    /** The wire names, comma separated, for error messages. */
    public static String names() {
        return Arrays.stream(values()).map(Meter::wire).collect(Collectors.joining(", "));
    }
}
