/**
 * Transactions of the billing-service: each unit of work runs in one database transaction and is
 * retried whole, from a clean start, when the database reports a serialization failure, a
 * deadlock, a write conflict or a lost unique-key race — never half applied.
 */
package io.hartonomous.billing.tx;
