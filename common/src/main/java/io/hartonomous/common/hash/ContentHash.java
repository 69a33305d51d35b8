package io.hartonomous.common.hash;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * The identity of an atom: SHA-256 of the exact bytes it stands for (DESIGN.md invariant 1).
 * Immutable; {@link #toString()} is the lower-case hex digest that {@code sha256sum} prints.
 */
public final class ContentHash implements Comparable<ContentHash> {

    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private ContentHash(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps a 32-byte digest (copied). */
    public static ContentHash of(byte[] digest) {
        Objects.requireNonNull(digest, "digest");
        if (digest.length != LENGTH) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + digest.length);
        }
        return new ContentHash(digest.clone());
    }

    /**
     * Parses a 64-character hex digest, either case.
     *
     * @throws IllegalArgumentException when the text is not exactly 64 hex digits
     */
    public static ContentHash parse(String hex) {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != LENGTH * 2) {
            throw new IllegalArgumentException("a SHA-256 hex digest has 64 characters, not " + hex.length());
        }
        try {
            return new ContentHash(HEX.parseHex(hex.toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a hex digest: " + abbreviate(hex), e);
        }
    }

    /** Hashes a whole (small) byte array. For streams use {@link Sha256}. */
    public static ContentHash sha256(byte[] content) {
        return sha256(content, 0, content.length);
    }

    public static ContentHash sha256(byte[] content, int offset, int length) {
        MessageDigest digest = DIGEST.get();
        try {
            digest.update(content, offset, length);
        } catch (RuntimeException e) {
            digest.reset(); // bounds outside the array: nothing of this call may reach the next one's hash
            throw e;
        }
        return new ContentHash(digest.digest()); // digest() also resets it for the thread's next call
    }

    /**
     * One digest per thread: an atomizer hashes every leaf it writes (a text chunk has some 50,000),
     * and looking up a new digest from the security providers each time cost about a twentieth of
     * its CPU (seen in a flight recording of IngestBench's text corpus).
     */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::newDigest);

    /** A copy of the 32 digest bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        // not MessageDigest.isEqual: a content hash is no secret to compare in constant time, and
        // hash maps of a chunk's atoms compare millions of them (the vectorized compare is faster)
        return o instanceof ContentHash other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        // the digest is uniformly distributed: its first four bytes are as good a hash as any
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    @Override
    public int compareTo(ContentHash o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }

    private static String abbreviate(String s) {
        return s.length() <= 16 ? s : s.substring(0, 16) + "…";
    }
}
