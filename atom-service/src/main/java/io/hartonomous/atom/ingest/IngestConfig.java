package io.hartonomous.atom.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Ingestion settings ({@code hartonomous.atom.ingest.*}). */
@ConfigMapping(prefix = "hartonomous.atom.ingest")
public interface IngestConfig {

    /** Where uploads are spooled until their job completes; must survive a restart to resume jobs. */
    @WithDefault("${java.io.tmpdir}/hartonomous-spool")
    String spoolDir();

    /** Largest accepted upload in bytes (default 16 GiB). */
    @WithDefault("17179869184")
    long maxBytes();

    /** Uploads up to this size are atomized within the request. */
    @WithDefault("1048576")
    long inlineBytes();

    /**
     * Nodes per chunk (one transaction each), recorded as the job's AtomChunkSize. Larger than the
     * reference's column default (10,000): an atom reused by several chunks has its count updated
     * once per chunk, and with 50,000 the text and Java archives of IngestBench ingested 15-20 %
     * faster (half the count updates) for about 20 MB more memory per running job and a longer
     * hold of the tenant's atom lock per transaction.
     */
    @WithDefault("50000")
    int chunkSize();

    /**
     * Working memory (MB) a chunk's transaction may use per sort, hash or tuple store before
     * spilling to disk (PostgreSQL's {@code work_mem}, set for that transaction only; SQL Server
     * sizes its own). The check that every new edge's ends are atoms keeps the chunk's new edges
     * in such a store: about 150 bytes an edge, so a 50,000-node chunk needs up to 8 MB. With the
     * default 4 MB it spilled, and the check took a quarter of the edges' insertion time instead of
     * a tenth (600,000 edges in chunks of 40,000: 6.1 s against 5.2 s, and 4.5 s without the check).
     */
    @WithDefault("32")
    int chunkWorkMemoryMb();

    /**
     * Whether ingestion transactions that only add references (new atoms and edges, increments of
     * live atoms' counts, pins) hold the tenant's atom lock shared, so that several uploads of one
     * tenant write at once. A transaction that would do more (bring an atom's count up from 0, leave
     * atoms behind to release, write model rows) or that meets another on an atom's unique key or in
     * a deadlock is rolled back and runs again holding the lock exclusively, as all of them did
     * before. {@code false}: every one holds it exclusively.
     */
    @WithDefault("true")
    boolean sharedWrites();

    /** How long a worker's claim on a job lasts without renewal. */
    @WithDefault("30s")
    Duration lease();

    /** Jobs atomized at once by this instance. */
    @WithDefault("2")
    int workers();
}
