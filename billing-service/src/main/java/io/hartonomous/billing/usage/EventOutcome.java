package io.hartonomous.billing.usage;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What became of one event: {@code accepted}, {@code duplicate} or {@code rejected} with a reason. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventOutcome(int index, String idempotencyKey, String outcome, String reason, String detail) {

    public static final String ACCEPTED = "accepted";
    public static final String DUPLICATE = "duplicate";
    public static final String REJECTED = "rejected";

    public static EventOutcome accepted(int index, String key) {
        return new EventOutcome(index, key, ACCEPTED, null, null);
    }

    public static EventOutcome duplicate(int index, String key) {
        return new EventOutcome(index, key, DUPLICATE, null, null);
    }

    public static EventOutcome rejected(int index, String key, String reason, String detail) {
        return new EventOutcome(index, key, REJECTED, reason, detail);
    }
}
