package io.hartonomous.atom.store;

import io.hartonomous.common.hash.ContentHash;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/** Packs a set of hashes into concatenated 32-byte digests (the job's pending set column) and back. */
public final class HashSet32 {

    private HashSet32() {
    }

    public static byte[] pack(Collection<ContentHash> hashes) {
        byte[] out = new byte[hashes.size() * ContentHash.LENGTH];
        int at = 0;
        for (ContentHash h : hashes) {
            System.arraycopy(h.bytes(), 0, out, at, ContentHash.LENGTH);
            at += ContentHash.LENGTH;
        }
        return out;
    }

    public static Set<ContentHash> unpack(byte[] packed) {
        Set<ContentHash> out = new LinkedHashSet<>();
        if (packed == null) {
            return out;
        }
        if (packed.length % ContentHash.LENGTH != 0) {
            throw new IllegalArgumentException("packed hashes must be a multiple of 32 bytes");
        }
        for (int at = 0; at < packed.length; at += ContentHash.LENGTH) {
            byte[] one = new byte[ContentHash.LENGTH];
            System.arraycopy(packed, at, one, 0, ContentHash.LENGTH);
            out.add(ContentHash.of(one));
        }
        return out;
    }
}
