/**
 * The concept-service: Clustering runs, the concept hierarchy, Voronoi domains and membership.
 * It writes only the tables it owns (DESIGN.md "The suite"); every query is scoped to the
 * caller's tenant. Shared kernel (tenancy, errors, dialects, migrations) comes from common.
 */
package io.hartonomous.concept;
