package io.hartonomous.common.hash;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Streaming SHA-256: feed any number of chunks, then {@link #finish()}. Not thread-safe; one
 * instance per stream. Never needs the whole content in memory.
 */
public final class Sha256 {

    private final MessageDigest digest = newDigest();
    private long length;

    public Sha256 update(byte[] chunk, int offset, int count) {
        digest.update(chunk, offset, count);
        length += count;
        return this;
    }

    public Sha256 update(byte[] chunk) {
        return update(chunk, 0, chunk.length);
    }

    public Sha256 update(ByteBuffer chunk) {
        length += chunk.remaining();
        digest.update(chunk);
        return this;
    }

    /** Forgets what was fed since the last {@link #finish()}: the instance starts a new stream. */
    public void reset() {
        digest.reset();
        length = 0;
    }

    /** Bytes seen so far. */
    public long length() {
        return length;
    }

    /** Completes the hash; the instance is reset and may be reused for a new stream. */
    public ContentHash finish() {
        length = 0;
        return ContentHash.of(digest.digest());
    }

    /** Hashes a stream to its end in 64 KiB reads; the caller closes the stream. */
    public static ContentHash of(InputStream in) throws IOException {
        Sha256 sha = new Sha256();
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            sha.update(buffer, 0, n);
        }
        return sha.finish();
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
