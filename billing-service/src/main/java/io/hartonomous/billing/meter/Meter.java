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
    INFERENCE_MS(Aggregation.SUM);

    private final Aggregation aggregation;

    Meter(Aggregation aggregation) {
        this.aggregation = aggregation;
    }

    public Aggregation aggregation() {
        return aggregation;
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

    /** The wire names, comma separated, for error messages. */
    public static String names() {
        return Arrays.stream(values()).map(Meter::wire).collect(Collectors.joining(", "));
    }
}
