/**
 * Usage of searches, embeddings and inference sent to billing-service (REST with timeout, retry,
 * circuit breaker) with idempotency keys, through a durable outbox table: kept across restarts and
 * resent while billing is unreachable, counted once.
 */
package io.hartonomous.search.metering;
