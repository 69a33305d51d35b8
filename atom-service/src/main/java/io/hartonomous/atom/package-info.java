/**
 * The atom-service: Atomizes uploads of every modality into deduplicated, reference-counted atoms of at most 64 bytes; ingestion jobs, reconstruction, relations, garbage collection.
 * It writes only the tables it owns (DESIGN.md "The suite"); every query is scoped to the
 * caller's tenant. Shared kernel (tenancy, errors, dialects, migrations) comes from common.
 */
package io.hartonomous.atom;
