/**
 * The service's Micrometer meters ({@code hartonomous_billing_*}): event and reservation outcomes,
 * latency histograms. Tags are bounded sets (outcome, reason, meter); never a tenant.
 */
package io.hartonomous.billing.metrics;
