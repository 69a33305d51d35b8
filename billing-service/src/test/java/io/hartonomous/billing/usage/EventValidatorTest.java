package io.hartonomous.billing.usage;

import io.hartonomous.billing.meter.Meter;
import io.hartonomous.billing.quota.QuotaState;
import io.hartonomous.billing.quota.Reservation;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EventValidatorTest {

    private static final Instant NOW = Instant.parse("2026-04-10T12:00:00Z");
    private final EventValidator validator = new EventValidator(Duration.ofDays(7), Duration.ofMinutes(5));

    @Test
    void acceptsAnEventAtTheEdgesOfTheWindow() {
        assertThat(reason(req("k", "searches", "1", NOW.minus(Duration.ofDays(7)).toString()))).isNull();
        assertThat(reason(req("k", "searches", "1", NOW.plus(Duration.ofMinutes(5)).toString()))).isNull();
        assertThat(reason(req("k", "searches", "0", "2026-04-10T13:00:00+01:00"))).isNull();
    }

    @Test
    void rejectsEachBadFieldWithItsReason() {
        assertThat(reason(req("", "searches", "1", NOW.toString()))).isEqualTo(EventValidator.INVALID_KEY);
        assertThat(reason(req("tab\tkey", "searches", "1", NOW.toString()))).isEqualTo(EventValidator.INVALID_KEY);
        assertThat(reason(req("k", "SEARCHES", "1", NOW.toString()))).isEqualTo(EventValidator.UNKNOWN_METER);
        assertThat(reason(req("k", "searches", "-1", NOW.toString()))).isEqualTo(EventValidator.INVALID_QUANTITY);
        assertThat(reason(req("k", "searches", "1.5", NOW.toString()))).isEqualTo(EventValidator.INVALID_QUANTITY);
        assertThat(reason(req("k", "searches", "1e30", NOW.toString()))).isEqualTo(EventValidator.INVALID_QUANTITY);
        assertThat(reason(req("k", "searches", "1", "2026-04-10T12:00:00"))).isEqualTo(EventValidator.INVALID_TIMESTAMP);
        assertThat(reason(req("k", "searches", "1", NOW.minus(Duration.ofDays(8)).toString()))).isEqualTo(EventValidator.TOO_OLD);
        assertThat(reason(req("k", "searches", "1", NOW.plus(Duration.ofMinutes(6)).toString()))).isEqualTo(EventValidator.IN_FUTURE);
        assertThat(reason(new UsageEventRequest("k", "searches", BigDecimal.ONE, NOW.toString(), null, "nope", null)))
                .isEqualTo(EventValidator.INVALID_RESERVATION);
    }

    @Test
    void uniqueCountMetersRequireASubjectAndOnlyTheyTakeOne() {
        assertThat(reason(withSubject("models_used", null))).isEqualTo(EventValidator.MISSING_SUBJECT);
        assertThat(reason(withSubject("models_used", "  "))).isEqualTo(EventValidator.MISSING_SUBJECT);
        assertThat(reason(withSubject("models_used", "x".repeat(201)))).isEqualTo(EventValidator.INVALID_SUBJECT);
        assertThat(reason(withSubject("searches", "model-a"))).isEqualTo(EventValidator.INVALID_SUBJECT);
        EventValidator.Result ok = validator.validate(0, 7, withSubject("models_used", "x".repeat(200)), NOW);
        assertThat(ok).isInstanceOfSatisfying(EventValidator.Valid.class,
                v -> assertThat(v.event().subject()).hasSize(200));
    }

    @Test
    void maxMeterQuotaCapsEachValueWithoutConsumingIt() {
        QuotaState quota = new QuotaState(Meter.PEAK_CONCURRENT_JOBS, 10L, 10, 0, 0);
        List<UsageEvent> events = List.of(
                new UsageEvent(0, 7, "a", Meter.PEAK_CONCURRENT_JOBS, 10, NOW, null, null),
                new UsageEvent(1, 7, "b", Meter.PEAK_CONCURRENT_JOBS, 10, NOW, null, null),
                new UsageEvent(2, 7, "c", Meter.PEAK_CONCURRENT_JOBS, 11, NOW, null, null));

        BatchDecision.Result result = BatchDecision.decide(events, Set.of(), Map.of(Meter.PEAK_CONCURRENT_JOBS, quota),
                Map.of(), NOW);

        assertThat(result.toInsert()).extracting(UsageEvent::idempotencyKey).containsExactly("a", "b");
        assertThat(result.decided().get(2).reason()).isEqualTo(BatchDecision.QUOTA_EXCEEDED);
    }

    @Test
    void decisionRejectsOverQuotaAndBadReservationsButPassesDuplicatesThrough() {
        UUID r = UUID.randomUUID();
        Reservation active = new Reservation(r, 7, Meter.EMBEDDINGS, 10, Reservation.ACTIVE, NOW, NOW.plusSeconds(60), null);
        List<UsageEvent> events = List.of(
                new UsageEvent(0, 7, "dup", Meter.EMBEDDINGS, 1000, NOW, null, null),
                new UsageEvent(1, 7, "a", Meter.EMBEDDINGS, 60, NOW, null, null),
                new UsageEvent(2, 7, "b", Meter.EMBEDDINGS, 50, NOW, null, null),
                new UsageEvent(3, 7, "c", Meter.EMBEDDINGS, 8, NOW, r, null),
                new UsageEvent(4, 7, "d", Meter.EMBEDDINGS, 1, NOW, r, null),
                new UsageEvent(5, 7, "e", Meter.EMBEDDINGS, 1, NOW, UUID.randomUUID(), null));
        QuotaState quota = new QuotaState(Meter.EMBEDDINGS, 100L, 100, 20, 10);

        BatchDecision.Result result = BatchDecision.decide(events, Set.of("dup"), Map.of(Meter.EMBEDDINGS, quota),
                Map.of(r, active), NOW);

        assertThat(result.toInsert()).extracting(UsageEvent::idempotencyKey).containsExactly("a", "c");
        assertThat(result.decided().get(0).outcome()).isEqualTo("duplicate");
        assertThat(result.decided().get(2).reason()).isEqualTo(BatchDecision.QUOTA_EXCEEDED);
        assertThat(result.decided().get(4).reason()).isEqualTo(BatchDecision.RESERVATION_ALREADY_USED);
        assertThat(result.decided().get(5).reason()).isEqualTo(BatchDecision.RESERVATION_NOT_FOUND);
    }

    private String reason(UsageEventRequest r) {
        EventValidator.Result result = validator.validate(0, 7, r, NOW);
        return result instanceof EventValidator.Invalid i ? i.reason() : null;
    }

    private static UsageEventRequest withSubject(String meter, String subject) {
        return new UsageEventRequest("k", meter, BigDecimal.ONE, NOW.toString(), null, null, subject);
    }

    private static UsageEventRequest req(String key, String meter, String quantity, String ts) {
        return new UsageEventRequest(key, meter, new BigDecimal(quantity), ts, null, null, null);
    }
}
