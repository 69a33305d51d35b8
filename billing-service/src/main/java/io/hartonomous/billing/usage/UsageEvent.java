package io.hartonomous.billing.usage;

import io.hartonomous.billing.meter.Meter;

import java.time.Instant;
import java.util.UUID;

/**
 * A validated event of batch position {@code index}, for {@code tenantId}. {@code subject} is set
 * exactly for the meters that count distinct subjects ({@link Meter#countsSubjects()}).
 */
public record UsageEvent(int index, int tenantId, String idempotencyKey, Meter meter, long quantity, Instant timestamp,
                         UUID reservationId, String subject) {

    /** The most the event adds to its meter's lifetime quota usage: what must fit before it is admitted. */
    public long quotaCharge() {
        return meter.aggregation().quotaCharge(quantity);
    }
}
