package io.hartonomous.atom.store;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * When this instance should refresh the optimizer statistics of the atom tables, from the rows it
 * inserted: when the tables grew by a fifth since the last refresh (or by {@link #ROWS} while
 * small), or when a tenant the last refresh did not see has inserted {@link #ROWS}.
 *
 * <p>"The tables" are as large as the last refresh counted them ({@link #refreshed}), not as large
 * as this instance's own inserts made them: an instance started against a store of millions of
 * rows would otherwise refresh after every thousand, then every 1,200, … rows it inserts, each
 * time sampling the whole store; and tables emptied behind its back (truncated, or collected and
 * vacuumed) would wait for a fifth of their former size before their next refresh, planned all
 * that while as the few rows the last refresh saw (measured in IngestBench after truncating a
 * warm-up's rows: the existence lookup became a sequential scan, 4.7 ms a call instead of 0.7).
 *
 * <p>Why new tenants: every query is scoped to one tenant, and PostgreSQL estimates
 * {@code TenantId = x} from the column's most common values. With few tenants all of them are in
 * that list, so a tenant that arrived after the last refresh is estimated at one row, however many
 * it has. A join into a large table then scans the tenant's whole index for each outer row instead
 * of probing (TenantId, ContentHash): measured in IngestBench, a new tenant's 207 pins by hash took
 * 5.5 s, the inner index scan visiting 7.3 million rows, instead of a few milliseconds. A store that
 * already holds millions of rows takes long to grow by a fifth, so growth alone does not cover it.
 *
 * <p>Thread-safe; {@link #begin} answers true once per due refresh.
 */
final class StatisticsRefreshPolicy {

    /** Rows that make a refresh worth it: a table growing from empty, a tenant new to the statistics. */
    static final long ROWS = 1000;

    private long insertedSince;
    /**
     * Rows in the tables at the last refresh: as that refresh counted them once it reported them,
     * until then the rows this instance inserted.
     */
    private long rowsAtLast;
    private final Map<Integer, Long> byTenant = new HashMap<>();
    /** Tenants with at least {@link #ROWS} rows when a refresh began: its sample saw them. */
    private final Set<Integer> seen = new HashSet<>();

    /** {@code rows} were inserted for {@code tenant}. */
    synchronized void inserted(int tenant, long rows) {
        insertedSince += rows;
        byTenant.merge(tenant, rows, Long::sum);
    }

    /** Whether a refresh is due; when it is, records it as begun (its counts start over). */
    synchronized boolean begin() {
        boolean grown = insertedSince >= Math.max(ROWS, rowsAtLast / 5);
        boolean newTenant = byTenant.entrySet().stream()
                .anyMatch(e -> e.getValue() >= ROWS && !seen.contains(e.getKey()));
        if (!grown && !newTenant) {
            return false;
        }
        rowsAtLast += insertedSince;
        insertedSince = 0;
        byTenant.forEach((tenant, rows) -> {
            if (rows >= ROWS) {
                seen.add(tenant);
            }
        });
        return true;
    }

    /**
     * The refresh begun last counted {@code tableRows} rows in the tables (the database's estimate;
     * rows inserted meanwhile count towards the next one).
     */
    synchronized void refreshed(long tableRows) {
        if (tableRows >= 0) {
            rowsAtLast = tableRows;
        }
    }

    /** The rows the tables held at the last refresh, as far as this policy knows. */
    synchronized long rowsAtLastRefresh() {
        return rowsAtLast;
    }
}
