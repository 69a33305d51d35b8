package io.hartonomous.billing.usage;

import io.hartonomous.billing.meter.Meter;

import java.time.Instant;
import java.util.UUID;

/** A validated event of batch position {@code index}, for {@code tenantId}. */
public record UsageEvent(int index, int tenantId, String idempotencyKey, Meter meter, long quantity, Instant timestamp,
                         UUID reservationId) {

    /** What the event adds to its meter's buckets and quota. */
    public long contribution() {
        return meter.aggregation().contribution(quantity);
    }
}
