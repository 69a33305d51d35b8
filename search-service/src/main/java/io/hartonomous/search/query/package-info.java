/**
 * The search API: parameter validation, retrieval per mode, fusion (RRF, normalized scores),
 * hydration with snippets, cross-modal grouping.
 */
package io.hartonomous.search.query;
