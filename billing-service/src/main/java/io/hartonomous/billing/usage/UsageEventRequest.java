package io.hartonomous.billing.usage;

import java.math.BigDecimal;

/**
 * One usage event as sent: {@code tenant} only for service tokens, {@code reservationId} when the
 * usage commits a quota reservation, {@code subject} (what is counted distinctly) for unique-count
 * meters such as {@code models_used}. Fields are validated by {@link EventValidator}, so a bad field
 * becomes a {@code rejected} outcome with a reason rather than a failed batch.
 */
public record UsageEventRequest(String idempotencyKey, String meter, BigDecimal quantity, String timestamp,
                                Integer tenant, String reservationId, String subject) {
}
