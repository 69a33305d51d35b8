/**
 * Whose data a request touches. The tenant is the token's; only a {@code service} token (another
 * service of the suite acting for a tenant) may name a different one. Anything else naming a
 * foreign tenant is refused with 403, and ids of another tenant's rows answer 404 elsewhere.
 */
package io.hartonomous.billing.access;
