package io.hartonomous.search.store;

import io.hartonomous.common.hash.ContentHash;

import java.time.LocalDateTime;

/**
 * A searchable unit as stored: its atom, classification, root and path, the text it was indexed
 * by, and (when loaded with a model) its vector and spatial point, else null.
 */
public record UnitRecord(int tenant, long atomId, ContentHash hash, String modality, String subtype, LocalDateTime createdAt,
                         ContentHash rootHash, String kind, String path, String text, float[] vector, double[] spatial) {
}
