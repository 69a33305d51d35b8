/**
 * SQL of search-service: reads of atom-service's tables (roots, trees level by level, models,
 * concepts) and set-based writes of its own (SearchUnit, AtomEmbedding, EmbeddingProjection).
 * Every statement goes through the dialect seam and works on PostgreSQL and SQL Server.
 */
package io.hartonomous.search.store;
