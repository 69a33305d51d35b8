/**
 * Governed, resumable ingestion: an upload is spooled (streamed, hashed, size-limited), becomes an
 * {@code IngestionJob}, and is atomized in chunks of {@code AtomChunkSize} nodes, one transaction
 * each, advancing {@code CurrentAtomOffset}. A job interrupted at any point (even kill -9) is taken
 * over when its lease expires and ends with exactly the atoms, compositions and counts of an
 * uninterrupted run, because atomizers are deterministic and committed nodes are skipped.
 */
package io.hartonomous.atom.ingest;
