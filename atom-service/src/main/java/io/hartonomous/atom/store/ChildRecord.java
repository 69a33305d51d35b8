package io.hartonomous.atom.store;

import io.hartonomous.common.hash.ContentHash;

/** One composition edge with its child, as the components endpoint pages them. */
public record ChildRecord(ContentHash parent, long sequence, ContentHash child, long length, byte[] value,
                          String modality, String subtype, Double x, Double y, Double z, Long m) {

    public boolean leaf() {
        return length == value.length;
    }
}
