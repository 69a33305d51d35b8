/**
 * The ooda-service: Scheduler-driven Observe / Orient / Decide / Act cycles that watch and improve the store.
 * It writes only the tables it owns (DESIGN.md "The suite"); every query is scoped to the
 * caller's tenant. Shared kernel (tenancy, errors, dialects, migrations) comes from common.
 */
package io.hartonomous.ooda;
