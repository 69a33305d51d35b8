package io.hartonomous.billing.usage;

import io.hartonomous.billing.meter.Meter;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The static checks of one event (those needing no database): key, meter, quantity, timestamp
 * window, reservation id, subject. Pure; the tenant is resolved before.
 */
public final class EventValidator {

    /** Reasons of {@code rejected} outcomes; stable wire values. */
    public static final String INVALID_KEY = "invalid_idempotency_key";
    public static final String UNKNOWN_METER = "unknown_meter";
    public static final String INVALID_QUANTITY = "invalid_quantity";
    public static final String INVALID_TIMESTAMP = "invalid_timestamp";
    public static final String TOO_OLD = "timestamp_too_old";
    public static final String IN_FUTURE = "timestamp_in_future";
    public static final String INVALID_RESERVATION = "invalid_reservation_id";
    public static final String MISSING_SUBJECT = "missing_subject";
    public static final String INVALID_SUBJECT = "invalid_subject";

    /** The longest subject, in characters. */
    public static final int MAX_SUBJECT = 200;

    private final Duration window;
    private final Duration skew;

    public EventValidator(Duration window, Duration skew) {
        this.window = window;
        this.skew = skew;
    }

    /** Either a valid event or why not. */
    public sealed interface Result permits Valid, Invalid {
    }

    public record Valid(UsageEvent event) implements Result {
    }

    public record Invalid(String reason, String detail) implements Result {
    }

    public Result validate(int index, int tenantId, UsageEventRequest e, Instant now) {
        if (e == null) {
            return new Invalid(INVALID_KEY, "the event is null");
        }
        String key = e.idempotencyKey();
        if (key == null || key.isEmpty() || key.length() > 200 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return new Invalid(INVALID_KEY, "idempotencyKey must be 1 to 200 printable ASCII characters");
        }
        Meter meter = Meter.parse(e.meter()).orElse(null);
        if (meter == null) {
            return new Invalid(UNKNOWN_METER, "meter must be one of: " + Meter.names());
        }
        Long quantity = quantity(e.quantity());
        if (quantity == null) {
            return new Invalid(INVALID_QUANTITY, "quantity must be an integer from 0 to " + Long.MAX_VALUE);
        }
        Instant at;
        try {
            at = e.timestamp() == null ? null : OffsetDateTime.parse(e.timestamp()).toInstant();
        } catch (DateTimeParseException ex) {
            at = null;
        }
        if (at == null) {
            return new Invalid(INVALID_TIMESTAMP, "timestamp must be ISO-8601 with an offset, e.g. 2026-04-01T12:00:00Z");
        }
        if (at.isBefore(now.minus(window))) {
            return new Invalid(TOO_OLD, "timestamp is older than the accepted window of " + window);
        }
        if (at.isAfter(now.plus(skew))) {
            return new Invalid(IN_FUTURE, "timestamp is more than " + skew + " in the future");
        }
        UUID reservation = null;
        if (e.reservationId() != null) {
            try {
                reservation = UUID.fromString(e.reservationId());
            } catch (IllegalArgumentException ex) {
                return new Invalid(INVALID_RESERVATION, "reservationId must be a UUID");
            }
        }
        String subject = e.subject();
        if (meter.countsSubjects() && (subject == null || subject.isBlank())) {
            return new Invalid(MISSING_SUBJECT, "meter " + meter.wire() + " counts distinct subjects: the event must name "
                    + "its subject (e.g. the model's hash)");
        }
        if (subject != null && !meter.countsSubjects()) {
            return new Invalid(INVALID_SUBJECT, "subject applies only to unique-count meters ("
                    + Meter.subjectMeterNames() + "), not to " + meter.wire());
        }
        if (subject != null && subject.length() > MAX_SUBJECT) {
            return new Invalid(INVALID_SUBJECT, "subject must be at most " + MAX_SUBJECT + " characters");
        }
        return new Valid(new UsageEvent(index, tenantId, key, meter, quantity, at, reservation, subject));
    }

    static Long quantity(BigDecimal q) {
        if (q == null || q.signum() < 0) {
            return null;
        }
        try {
            return q.longValueExact();
        } catch (ArithmeticException notIntegral) {
            return null;
        }
    }
}
