/**
 * In-memory indexes per tenant, rebuilt from the database at start: BM25 (Lucene, BPE tokens),
 * vectors (exact scan, jvector graph, 3-D spatial scan). An index holds one tenant's units only,
 * so no query can reach another tenant's; filters are applied inside each retriever.
 */
package io.hartonomous.search.index;
