/**
 * Whose data a request touches. The tenant is the token's; only a {@code service} token (another
 * service of the suite acting for a tenant) may name a different one for usage and reads, and only
 * the operator's admin ({@code hartonomous.billing.access.operator-tenant}) may administer another
 * tenant or the global rate card. Anything else naming a foreign tenant is refused with 403, and
 * ids of another tenant's rows answer 404 elsewhere.
 */
package io.hartonomous.billing.access;
