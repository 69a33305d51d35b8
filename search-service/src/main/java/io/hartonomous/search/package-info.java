/**
 * The search-service: Embeddings, semantic KNN, BM25 + vector hybrid, cross-modal and spatial search, inference with atomized models.
 * It writes only the tables it owns (DESIGN.md "The suite"); every query is scoped to the
 * caller's tenant. Shared kernel (tenancy, errors, dialects, migrations) comes from common.
 */
package io.hartonomous.search;
