package io.hartonomous.search.store;

import io.hartonomous.common.hash.ContentHash;

import java.util.List;

/**
 * An atom as the reader sees it: a leaf carries its bytes in {@code value}; a composite carries a
 * preview there and its children in sequence order.
 */
public record AtomNode(ContentHash hash, long atomId, long length, byte[] value, String modality, String subtype,
                       List<ContentHash> children) {

    public boolean leaf() {
        return length == value.length;
    }
}
