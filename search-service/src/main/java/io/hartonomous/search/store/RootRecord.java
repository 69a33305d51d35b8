package io.hartonomous.search.store;

import io.hartonomous.common.hash.ContentHash;

import java.time.LocalDateTime;

/** An ingestion root (dbo.AtomRoot) with its atom's classification. */
public record RootRecord(long rootId, int tenant, ContentHash hash, String sourceName, long atomId, String modality,
                         String subtype, String contentType, String metadata, long length, byte[] preview,
                         LocalDateTime createdAt) {
}
