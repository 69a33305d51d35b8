/**
 * Rate card (graduated price tiers per meter) and invoices. An invoice is issued once per tenant
 * and month from the day buckets; issued documents are immutable (database triggers refuse UPDATE
 * and DELETE), a correction is a credit note; a tenant's credit notes serialize on a transaction
 * lock, so together they never exceed the invoice. The rate card is global and changed by the
 * operator's admin only. Amounts are integer micro-units of the currency.
 */
package io.hartonomous.billing.invoice;
