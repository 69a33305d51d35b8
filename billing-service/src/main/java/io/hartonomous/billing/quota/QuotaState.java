package io.hartonomous.billing.quota;

import io.hartonomous.billing.meter.Meter;

/**
 * A tenant's quota of one meter: {@code limit} is the explicit one or the configured default
 * ({@code explicitLimit} null), {@code used} the committed lifetime usage, {@code reserved} the sum
 * of active reservations.
 */
public record QuotaState(Meter meter, Long explicitLimit, long limit, long used, long reserved) {

    /** What can still be used or reserved; zero when over (a lowered limit can leave usage above it). */
    public long remaining() {
        return Math.max(0, limit - used - reserved);
    }

    public boolean fits(long amount) {
        return amount <= remaining();
    }

    public QuotaState plus(long usedDelta, long reservedDelta) {
        return new QuotaState(meter, explicitLimit, limit, used + usedDelta, reserved + reservedDelta);
    }
}
