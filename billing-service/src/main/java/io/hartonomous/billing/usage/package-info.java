/**
 * Usage events, counted exactly once. An event is identified by (tenant, idempotency key): the
 * ledger's unique constraint makes every resend — concurrent, after a timeout, after a restart — a
 * no-op answered {@code duplicate}. One transaction per batch inserts the new events, folds only
 * the rows really inserted into minute/hour/day buckets, commits the reservations they name and
 * adds to the quotas; it is retried whole on serialization failures and deadlocks. For unique-count
 * meters the same transaction records, for the inserted rows only, each (bucket, subject hash) not
 * seen before; each new one adds 1 to its bucket. Summaries read the buckets (and those sightings
 * for distinct totals), never the ledger.
 */
package io.hartonomous.billing.usage;
