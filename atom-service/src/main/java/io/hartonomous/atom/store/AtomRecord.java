package io.hartonomous.atom.store;

import io.hartonomous.common.hash.ContentHash;

import java.time.LocalDateTime;

/** An atom's stored metadata. {@code value} is the leaf's bytes or a composite's 64-byte preview. */
public record AtomRecord(long atomId, ContentHash hash, byte[] value, long length, String modality, String subtype,
                         String contentType, long referenceCount, Long conceptId, LocalDateTime createdAt) {

    public boolean composite() {
        return length > value.length;
    }
}
