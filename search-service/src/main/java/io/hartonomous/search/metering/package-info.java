/**
 * Usage of searches, embeddings and inference sent to billing-service (REST with timeout, retry,
 * circuit breaker) with idempotency keys; kept and resent while billing is unreachable.
 */
package io.hartonomous.search.metering;
