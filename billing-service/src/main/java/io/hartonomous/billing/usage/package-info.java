/**
 * Usage events, counted exactly once. An event is identified by (tenant, idempotency key): the
 * ledger's unique constraint makes every resend — concurrent, after a timeout, after a restart — a
 * no-op answered {@code duplicate}. One transaction per batch inserts the new events, folds only
 * the rows really inserted into minute/hour/day buckets, commits the reservations they name and
 * adds to the quotas; it is retried whole on serialization failures and deadlocks. Summaries read
 * the buckets, never the ledger.
 */
package io.hartonomous.billing.usage;
