/**
 * The billing-service: Exactly-once usage metering, quotas with reservations, rate cards and invoices.
 * It writes only the tables it owns (DESIGN.md "The suite"); every query is scoped to the
 * caller's tenant. Shared kernel (tenancy, errors, dialects, migrations) comes from common.
 */
package io.hartonomous.billing;
