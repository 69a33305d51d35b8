/**
 * Rate card (graduated price tiers per meter) and invoices. An invoice is issued once per tenant
 * and month from the day buckets; issued documents are immutable (database triggers refuse UPDATE
 * and DELETE), a correction is a credit note. Amounts are integer micro-units of the currency.
 */
package io.hartonomous.billing.invoice;
