package io.hartonomous.billing.meter;

import io.hartonomous.common.db.ColumnUpdate;

/** How the events of one bucket combine into its value, and what an event charges to its quota. */
public enum Aggregation {
    /** The sum of the events' quantities. */
    SUM,
    /** The number of events (quantities are ignored). */
    COUNT,
    /**
     * The greatest quantity (a peak, e.g. concurrent jobs). A peak is not consumed: the quota of a
     * MAX meter is a ceiling on each event's quantity, and nothing is added to its lifetime usage.
     */
    MAX,
    /**
     * The number of distinct subjects (the events' {@code subject}); quantities are ignored. A bucket
     * gains 1 for each subject first seen in it (see {@code dbo.BillingUsageSubject}), so the event
     * itself adds nothing to the bucket's value. Its quota counts subject-days: each subject adds 1
     * on the first day (UTC) it is seen on.
     */
    UNIQUE_COUNT;

    /** What one event adds to its bucket by itself (a UNIQUE_COUNT bucket grows by first sightings instead). */
    public long contribution(long quantity) {
        return switch (this) {
            case SUM, MAX -> quantity;
            case COUNT -> 1;
            case UNIQUE_COUNT -> 0;
        };
    }

    /**
     * The most one event can add to its meter's lifetime quota usage: what the quota must have room
     * for before the event is admitted (a UNIQUE_COUNT event adds 1 or, for a subject seen that day, 0).
     */
    public long quotaCharge(long quantity) {
        return switch (this) {
            case SUM -> quantity;
            case COUNT, UNIQUE_COUNT -> 1;
            case MAX -> 0;
        };
    }

    /** Combines two partial values of the same bucket (not meaningful across buckets for UNIQUE_COUNT). */
    public long combine(long a, long b) {
        return this == MAX ? Math.max(a, b) : Math.addExact(a, b);
    }

    /** How a stored bucket absorbs a partial value. */
    public ColumnUpdate.Mode storeMode() {
        return this == MAX ? ColumnUpdate.Mode.MAX : ColumnUpdate.Mode.ADD;
    }
}
