package io.hartonomous.search.index;

import io.hartonomous.common.hash.ContentHash;

/**
 * What the indexes keep of a searchable unit in memory: identity, the fields filters test, where
 * it comes from and a short preview. Its full text stays in the database (dbo.SearchUnit).
 */
public record Unit(long atomId, ContentHash hash, String modality, String subtype, long createdMillis,
                   ContentHash rootHash, String kind, String path, String preview) {
}
