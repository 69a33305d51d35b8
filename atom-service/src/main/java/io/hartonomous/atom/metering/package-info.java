/**
 * Metering of ingestion through billing-service (REST): a reservation of atoms before each chunk,
 * usage events with idempotency keys after its commit. Billing being down makes jobs wait and
 * retry — metering is never skipped; a quota that does not fit stops the job (QuotaExceeded).
 */
package io.hartonomous.atom.metering;
