package io.hartonomous.common.db;

/**
 * How a table is stored, where it changes which locking a generated statement may ask for: SQL
 * Server's memory-optimized tables reject {@code UPDLOCK} / {@code HOLDLOCK} and are read under
 * {@code WITH (SNAPSHOT)}, where a concurrent insert of the same key surfaces as a unique-key
 * violation (or a write conflict) at commit, to be retried by the caller. PostgreSQL has one kind.
 */
public enum TableStorage {
    DISK,
    MEMORY_OPTIMIZED
}
