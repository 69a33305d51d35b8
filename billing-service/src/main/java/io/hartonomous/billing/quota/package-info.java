/**
 * Lifetime quotas per tenant and meter, and reservations against them. A reservation is one
 * conditional UPDATE of the quota row ({@code Used + Reserved + amount <= limit}); the row lock
 * serializes concurrent ones, so together they can never pass the limit. A usage event naming the
 * reservation commits it; a release or the expiry sweep frees it.
 */
package io.hartonomous.billing.quota;
