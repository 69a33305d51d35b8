package io.hartonomous.billing.meter;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/** The aggregation windows of usage buckets, aligned in UTC. */
public enum Granularity {
    MINUTE(ChronoUnit.MINUTES),
    HOUR(ChronoUnit.HOURS),
    DAY(ChronoUnit.DAYS);

    private final ChronoUnit unit;

    Granularity(ChronoUnit unit) {
        this.unit = unit;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The start (UTC) of the bucket holding {@code at}. */
    public LocalDateTime bucketStart(Instant at) {
        return LocalDateTime.ofInstant(at.truncatedTo(unit), ZoneOffset.UTC);
    }

    public ChronoUnit unit() {
        return unit;
    }

    public static Optional<Granularity> parse(String wire) {
        for (Granularity g : values()) {
            if (g.wire().equals(wire)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }
}
