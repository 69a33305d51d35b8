package io.hartonomous.billing.meter;

import io.hartonomous.common.db.ColumnUpdate;

/** How the events of one bucket combine into its value. */
public enum Aggregation {
    /** The sum of the events' quantities. */
    SUM,
    /** The number of events (quantities are ignored). */
    COUNT,
    /** The greatest quantity. */
    MAX;

    /** What one event adds to its bucket (and, for quotas, to the lifetime total). */
    public long contribution(long quantity) {
        return this == COUNT ? 1 : quantity;
    }

    /** Combines two partial values of the same bucket. */
    public long combine(long a, long b) {
        return this == MAX ? Math.max(a, b) : Math.addExact(a, b);
    }

    /** How a stored bucket absorbs a partial value. */
    public ColumnUpdate.Mode storeMode() {
        return this == MAX ? ColumnUpdate.Mode.MAX : ColumnUpdate.Mode.ADD;
    }
}
