package io.hartonomous.billing.quota;

import io.hartonomous.billing.meter.Meter;

import java.time.Instant;
import java.util.UUID;

/** A reservation of {@code amount} of a meter's quota; status Active, Committed, Released or Expired. */
public record Reservation(UUID id, int tenantId, Meter meter, long amount, String status, Instant createdAt,
                         Instant expiresAt, Instant resolvedAt) {

    public static final String ACTIVE = "Active";
    public static final String COMMITTED = "Committed";
    public static final String RELEASED = "Released";
    public static final String EXPIRED = "Expired";

    /** Active and not past its expiry (the sweep may not have run yet). */
    public boolean usableAt(Instant now) {
        return ACTIVE.equals(status) && now.isBefore(expiresAt);
    }
}
