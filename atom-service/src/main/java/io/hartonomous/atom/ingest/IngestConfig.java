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

    /** How long a worker's claim on a job lasts without renewal. */
    @WithDefault("30s")
    Duration lease();

    /** Jobs atomized at once by this instance. */
    @WithDefault("2")
    int workers();
}
