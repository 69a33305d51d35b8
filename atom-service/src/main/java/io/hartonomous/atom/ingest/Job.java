package io.hartonomous.atom.ingest;

import io.hartonomous.common.hash.ContentHash;

import java.time.LocalDateTime;
import java.util.UUID;

/** An ingestion job as stored. */
public record Job(UUID id, int tenant, String fileName, String contentType, JobStatus status, int chunkSize,
                  long offset, long atomsCreated, long atomsReused, ContentHash rootHash, long totalBytes,
                  String modality, String spoolPath, String error, LocalDateTime createdAt,
                  LocalDateTime startedAt, LocalDateTime completedAt, byte[] pendingHashes,
                  long coefficientOffset, String optionsJson, String unreportedUsage) {

    /** Whether model coefficient rows are written (the default; a job option turns them off). */
    public boolean coefficients() {
        return optionsJson == null || !optionsJson.replace(" ", "").contains("\"coefficients\":false");
    }
}
