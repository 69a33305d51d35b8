package io.hartonomous.billing.meter;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Folds usage into minute, hour and day buckets. */
public final class Buckets {

    private Buckets() {
    }

    /** One bucket of one tenant's meter. Ordered by every field, so batches lock rows in one order. */
    public record Key(int tenantId, Meter meter, Granularity granularity, LocalDateTime start) implements Comparable<Key> {
        private static final Comparator<Key> ORDER = Comparator.comparingInt(Key::tenantId)
                .thenComparing(k -> k.meter().wire())
                .thenComparing(k -> k.granularity().wire())
                .thenComparing(Key::start);

        @Override
        public int compareTo(Key o) {
            return ORDER.compare(this, o);
        }
    }

    /** A bucket's value (by the meter's aggregation) and its number of events. */
    public record Delta(long value, long events) {
    }

    /** One counted event. */
    public record Usage(int tenantId, Meter meter, long quantity, Instant timestamp) {
    }

    /** Every bucket the events touch, at every granularity, with the events' combined value. */
    public static Map<Key, Delta> aggregate(List<Usage> events) {
        return aggregate(events, List.of());
    }

    /**
     * {@link #aggregate(List)}, plus 1 to the value of each bucket in {@code firstSightings}: one
     * entry per subject first seen in that bucket (UNIQUE_COUNT meters, whose events add nothing
     * to a value by themselves).
     */
    public static Map<Key, Delta> aggregate(List<Usage> events, List<Key> firstSightings) {
        Map<Key, Delta> out = new TreeMap<>();
        for (Key k : firstSightings) {
            out.merge(k, new Delta(1, 0), (a, b) -> new Delta(a.value() + b.value(), a.events() + b.events()));
        }
        for (Usage e : events) {
            Aggregation aggregation = e.meter().aggregation();
            long value = aggregation.contribution(e.quantity());
            for (Granularity g : Granularity.values()) {
                out.merge(new Key(e.tenantId(), e.meter(), g, g.bucketStart(e.timestamp())), new Delta(value, 1),
                        (a, b) -> new Delta(aggregation.combine(a.value(), b.value()), a.events() + b.events()));
            }
        }
        return out;
    }
}
