package io.hartonomous.atom.atomize.model;

import io.hartonomous.atom.atomize.AtomNode;
import io.hartonomous.atom.atomize.MalformedInputException;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.atom.atomize.binary.BinaryAtomizer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The one reader of a model file: every byte it reads lands in exactly one leaf of the tree, in
 * file order. Bytes read by the parsing methods ({@link #u8}, {@link #u64}, {@link #take}, …)
 * accumulate as pending header bytes and become leaves of up to 64 bytes when {@link #cut} is
 * called (levels are opened and closed through the tap, which cuts first); {@link #value} reads a
 * weight straight into a leaf of its own. Reading past {@code size} or the stream's end throws
 * {@link MalformedInputException}.
 */
final class Tap {

    static final String MODALITY = "model";

    private final InputStream in;
    private final TreeWriter tree;
    private final String format;
    private final long size;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    /** File offset of {@code buffer[position]}. */
    private long offset;
    private final byte[] pending = new byte[AtomNode.MAX_LEAF];
    private int pendingLength;
    private String pendingSubtype = "header";

    Tap(InputStream in, TreeWriter tree, String format, long size) {
        this.in = in;
        this.tree = tree;
        this.format = format;
        this.size = size;
    }

    TreeWriter tree() {
        return tree;
    }

    long offset() {
        return offset;
    }

    long size() {
        return size;
    }

    /** Bytes left before the file's declared size. */
    long remaining() {
        return size - offset;
    }

    /** A message prefix naming the format and the offset, for errors the user sees. */
    MalformedInputException malformed(String message) {
        return new MalformedInputException("Not a valid " + format + " file: " + message + " (at byte " + offset + ")");
    }

    /** Fails unless {@code n} more bytes exist, before anything is read or allocated for them. */
    void require(long n, String what) throws MalformedInputException {
        if (n < 0 || n > remaining()) {
            throw malformed(what + " needs " + Long.toUnsignedString(n) + " bytes but only " + remaining()
                    + " remain in the " + size + "-byte file");
        }
    }

    // ---- levels -------------------------------------------------------------------------------

    void open(String subtype) throws IOException {
        cut();
        tree.open(MODALITY, subtype);
    }

    TreeWriter.Ref close(AtomNode.Position position) throws IOException {
        cut();
        return tree.close(position);
    }

    TreeWriter.Ref close() throws IOException {
        return close(AtomNode.Position.NONE);
    }

    /** Subtype of the leaves that the next pending bytes become. */
    void as(String subtype) throws IOException {
        if (!subtype.equals(pendingSubtype)) {
            cut();
            pendingSubtype = subtype;
        }
    }

    /** Emits the pending bytes as a leaf; returns it, or null if nothing was pending. */
    TreeWriter.Ref cut() throws IOException {
        return cut(AtomNode.Position.NONE);
    }

    /** As {@link #cut()}, placing the leaf at {@code at}. */
    TreeWriter.Ref cut(AtomNode.Position at) throws IOException {
        if (pendingLength == 0) {
            return null;
        }
        TreeWriter.Ref ref = tree.leaf(pending, 0, pendingLength, MODALITY, pendingSubtype, at);
        pendingLength = 0;
        return ref;
    }

    private void record(byte[] bytes, int from, int length) throws IOException {
        while (length > 0) {
            int n = Math.min(length, pending.length - pendingLength);
            System.arraycopy(bytes, from, pending, pendingLength, n);
            pendingLength += n;
            from += n;
            length -= n;
            if (pendingLength == pending.length) {
                cut();
            }
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    /** Makes {@code n} (at most the buffer's size) bytes available at {@code position}. */
    private void fill(int n, String what) throws IOException {
        require(n, what);
        if (limit - position >= n) {
            return;
        }
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
        while (limit < n) {
            int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0) {
                throw malformed("the file ends early: " + what + " needs " + n + " bytes but the stream has "
                        + (limit - position) + " left");
            }
            limit += read;
        }
    }

    private void advance(int n) {
        position += n;
        offset += n;
    }

    int u8(String what) throws IOException {
        fill(1, what);
        int v = buffer[position] & 0xff;
        record(buffer, position, 1);
        advance(1);
        return v;
    }

    long u32(String what) throws IOException {
        return leUnsigned(4, what);
    }

    /** A little-endian 64-bit value (unsigned values above 2^63 come back negative). */
    long u64(String what) throws IOException {
        return leUnsigned(8, what);
    }

    private long leUnsigned(int n, String what) throws IOException {
        fill(n, what);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (buffer[position + i] & 0xffL);
        }
        record(buffer, position, n);
        advance(n);
        return v;
    }

    /** A protobuf base-128 varint of at most 10 bytes. */
    long varint(String what) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8(what);
            if (shift == 63 && (b & 0x7e) != 0) {
                throw malformed(what + " is a varint that overflows 64 bits");
            }
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw malformed(what + " is a varint longer than 10 bytes");
    }

    /** Reads {@code n} bytes (checked against the file first) as pending header bytes and returns them. */
    byte[] take(long n, int max, String what) throws IOException {
        if (n > max) {
            throw malformed(what + " claims " + Long.toUnsignedString(n) + " bytes, more than the " + max + " allowed");
        }
        require(n, what);
        byte[] out = new byte[(int) n];
        int at = 0;
        while (at < n) {
            int chunk = (int) Math.min(n - at, buffer.length);
            fill(chunk, what);
            System.arraycopy(buffer, position, out, at, chunk);
            record(buffer, position, chunk);
            advance(chunk);
            at += chunk;
        }
        return out;
    }

    /**
     * Reads {@code n} bytes (checked against the file and {@code max} first) as a level of
     * content-defined chunks, and returns them: for headers that are parsed whole (JSON).
     */
    byte[] takeChunked(long n, int max, String subtype) throws IOException {
        if (n > max) {
            throw malformed(subtype + " claims " + Long.toUnsignedString(n) + " bytes, more than the " + max + " allowed");
        }
        require(n, subtype);
        cut();
        byte[] out = new byte[(int) n];
        int at = 0;
        while (at < n) {
            int chunk = (int) Math.min(n - at, buffer.length);
            fill(chunk, subtype);
            System.arraycopy(buffer, position, out, at, chunk);
            advance(chunk);
            at += chunk;
        }
        tree.open(MODALITY, subtype);
        BinaryAtomizer.writeChunked(new java.io.ByteArrayInputStream(out), tree, MODALITY, subtype + "-chunk", subtype);
        tree.close();
        return out;
    }

    /** Reads {@code n} bytes as pending header bytes without keeping them. */
    void skip(long n, String what) throws IOException {
        require(n, what);
        long left = n;
        while (left > 0) {
            int chunk = (int) Math.min(left, buffer.length);
            fill(chunk, what);
            record(buffer, position, chunk);
            advance(chunk);
            left -= chunk;
        }
    }

    /** Reads one weight (or quantized block) of 1..64 bytes as a leaf of its own. */
    TreeWriter.Ref value(int n, String subtype, AtomNode.Position at) throws IOException {
        cut();
        fill(n, "a tensor value");
        TreeWriter.Ref ref = tree.leaf(buffer, position, n, MODALITY, subtype, at);
        advance(n);
        return ref;
    }

    /**
     * Bytes without structure the atomizer cares about (graph nodes, big metadata arrays, gaps):
     * a few stay leaves of the current level; more become a level of content-defined chunks, so
     * memory stays bounded however long the region is.
     */
    void opaque(long n, String subtype) throws IOException {
        if (n <= 0) {
            return;
        }
        require(n, subtype);
        cut();
        if (n <= 16 * AtomNode.MAX_LEAF) {
            as(subtype);
            skip(n, subtype);
            cut();
            return;
        }
        tree.open(MODALITY, subtype);
        BinaryAtomizer.writeChunked(region(n), tree, MODALITY, subtype + "-chunk", "bytes");
        tree.close();
    }

    /** Everything after the parsed structure, up to the stream's end, as opaque bytes. */
    void rest(String subtype) throws IOException {
        cut();
        if (limit == position) {
            int read = in.read(buffer, 0, buffer.length);
            position = 0;
            limit = Math.max(read, 0);
        }
        if (limit == position) {
            return;
        }
        tree.open(MODALITY, subtype);
        BinaryAtomizer.writeChunked(new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (limit > position) {
                    int n = Math.min(len, limit - position);
                    System.arraycopy(buffer, position, b, off, n);
                    advance(n);
                    return n;
                }
                int n = in.read(b, off, len);
                if (n > 0) {
                    offset += n;
                }
                return n;
            }
        }, tree, MODALITY, subtype + "-chunk", "bytes");
        tree.close();
    }

    /** The next {@code n} bytes as a stream that bypasses the pending leaf (its reader emits them). */
    private InputStream region(long n) {
        return new InputStream() {
            long left = n;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    return -1;
                }
                int chunk = (int) Math.min(Math.min(len, left), buffer.length);
                fill(chunk, "a region");
                System.arraycopy(buffer, position, b, off, chunk);
                advance(chunk);
                left -= chunk;
                return chunk;
            }
        };
    }

    /** Reads the next {@code n} bytes without consuming or emitting them (n ≤ 64 KiB). */
    byte[] peek(int n, String what) throws IOException {
        fill(n, what);
        return Arrays.copyOfRange(buffer, position, position + n);
    }
}
