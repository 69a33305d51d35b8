package io.hartonomous.billing.meter;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BucketsTest {

    private static final Instant T = Instant.parse("2026-04-01T10:00:05Z");

    @Test
    void foldsEachEventIntoItsMinuteHourAndDayBuckets() {
        Map<Buckets.Key, Buckets.Delta> out = Buckets.aggregate(List.of(
                new Buckets.Usage(7, Meter.BYTES_INGESTED, 3, T),
                new Buckets.Usage(7, Meter.BYTES_INGESTED, 4, T.plusSeconds(50)),
                new Buckets.Usage(7, Meter.BYTES_INGESTED, 5, T.plusSeconds(70))));

        assertThat(out).hasSize(4)
                .containsEntry(key(Granularity.MINUTE, "2026-04-01T10:00"), new Buckets.Delta(7, 2))
                .containsEntry(key(Granularity.MINUTE, "2026-04-01T10:01"), new Buckets.Delta(5, 1))
                .containsEntry(key(Granularity.HOUR, "2026-04-01T10:00"), new Buckets.Delta(12, 3))
                .containsEntry(key(Granularity.DAY, "2026-04-01T00:00"), new Buckets.Delta(12, 3));
    }

    @Test
    void countMetersCountEventsAndMaxKeepsTheGreatest() {
        Map<Buckets.Key, Buckets.Delta> counted = Buckets.aggregate(List.of(
                new Buckets.Usage(7, Meter.SEARCHES, 40, T), new Buckets.Usage(7, Meter.SEARCHES, 2, T)));

        assertThat(counted.get(new Buckets.Key(7, Meter.SEARCHES, Granularity.DAY, LocalDateTime.parse("2026-04-01T00:00"))))
                .isEqualTo(new Buckets.Delta(2, 2));
        assertThat(Aggregation.MAX.combine(3, 9)).isEqualTo(9);
        assertThat(Aggregation.SUM.combine(3, 9)).isEqualTo(12);
    }

    @Test
    void maxMeterBucketsKeepThePeakNotTheSum() {
        Map<Buckets.Key, Buckets.Delta> out = Buckets.aggregate(List.of(
                new Buckets.Usage(7, Meter.PEAK_CONCURRENT_JOBS, 3, T),
                new Buckets.Usage(7, Meter.PEAK_CONCURRENT_JOBS, 9, T.plusSeconds(10)),
                new Buckets.Usage(7, Meter.PEAK_CONCURRENT_JOBS, 4, T.plusSeconds(20))));

        assertThat(out.get(new Buckets.Key(7, Meter.PEAK_CONCURRENT_JOBS, Granularity.HOUR,
                LocalDateTime.parse("2026-04-01T10:00")))).isEqualTo(new Buckets.Delta(9, 3));
    }

    @Test
    void uniqueCountBucketsGrowOnlyByFirstSightings() {
        Buckets.Key day = new Buckets.Key(7, Meter.MODELS_USED, Granularity.DAY, LocalDateTime.parse("2026-04-01T00:00"));
        Map<Buckets.Key, Buckets.Delta> out = Buckets.aggregate(List.of(
                new Buckets.Usage(7, Meter.MODELS_USED, 500, T), new Buckets.Usage(7, Meter.MODELS_USED, 700, T),
                new Buckets.Usage(7, Meter.MODELS_USED, 1, T)), List.of(day, day));

        assertThat(out.get(day)).isEqualTo(new Buckets.Delta(2, 3));
        assertThat(out.get(new Buckets.Key(7, Meter.MODELS_USED, Granularity.HOUR, LocalDateTime.parse("2026-04-01T10:00"))))
                .isEqualTo(new Buckets.Delta(0, 3));
        assertThat(Aggregation.UNIQUE_COUNT.quotaCharge(700)).isEqualTo(1);
        assertThat(Aggregation.MAX.quotaCharge(700)).isZero();
    }

    @Test
    void keysOrderByTenantMeterGranularityAndStart() {
        var keys = Buckets.aggregate(List.of(new Buckets.Usage(9, Meter.SEARCHES, 1, T),
                new Buckets.Usage(8, Meter.SEARCHES, 1, T))).keySet().stream().toList();

        assertThat(keys.get(0).tenantId()).isEqualTo(8);
        assertThat(keys).isSorted();
    }

    private static Buckets.Key key(Granularity g, String start) {
        return new Buckets.Key(7, Meter.BYTES_INGESTED, g, LocalDateTime.parse(start));
    }
}
