package io.hartonomous.cli.atom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A POSIX tar archive (pax interchange format) of files, produced as it is read: ustar headers, a
 * pax {@code x} extended header with {@code path} when a name is longer than 100 bytes or not
 * ASCII and with {@code size} when a file has 8 GiB or more, each file's bytes padded to 512,
 * two zero blocks at the end. Files are opened one at a time, when their entry is reached, and
 * copied through a caller's buffer: neither a whole file nor the archive is held in memory.
 *
 * <p>Every entry announces the size its file had when it was listed ({@link Entry#size()}, which
 * {@link #length(List)} adds up). A file whose size differs when it is opened or read fails the
 * read with an {@link IOException} naming it, so a consumer never receives a corrupt archive.
 */
public final class TarStream extends InputStream {

    static final int BLOCK = 512;
    /** The largest size the 11 octal digits of a ustar size field hold (8 GiB - 1). */
    static final long USTAR_MAX_SIZE = 077777777777L;

    /**
     * One regular file of the archive: its name in the archive (a relative path, '/'-separated),
     * where its bytes are, and the size they must have.
     */
    public record Entry(String name, Path file, long size) {
        public Entry {
            Objects.requireNonNull(file, "file");
            if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a tar entry needs a name without NUL: " + name);
            }
            if (size < 0) {
                throw new IllegalArgumentException("negative size " + size + " for " + file);
            }
        }

        /** {@code file} under {@code name}, with the size it has now. */
        public static Entry of(String name, Path file) throws IOException {
            return new Entry(name, file, Files.size(file));
        }
    }

    private final List<Entry> entries;
    private int next;
    private byte[] block = new byte[0];
    private int blockPos;
    private InputStream file;
    private Entry current;
    private long remaining;
    private boolean ended;

    public TarStream(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The exact number of bytes the archive of {@code entries} has. */
    public static long length(List<Entry> entries) {
        long total = 2 * BLOCK;
        for (Entry e : entries) {
            byte[] pax = paxRecords(e.name(), e.size());
            if (pax.length > 0) {
                total += BLOCK + padded(pax.length);
            }
            total += BLOCK + padded(e.size());
        }
        return total;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (blockPos < block.length) {
                int n = Math.min(len, block.length - blockPos);
                System.arraycopy(block, blockPos, b, off, n);
                blockPos += n;
                return n;
            }
            if (file != null) {
                if (remaining > 0) {
                    int n = file.read(b, off, (int) Math.min(len, remaining));
                    if (n < 0) {
                        throw changed(current, "it ended after " + (current.size() - remaining));
                    }
                    remaining -= n;
                    return n;
                }
                if (file.read() >= 0) {
                    throw changed(current, "it has more");
                }
                file.close();
                file = null;
                next(new byte[(int) (padded(current.size()) - current.size())]);
            } else if (next < entries.size()) {
                open(entries.get(next++));
            } else if (!ended) {
                ended = true;
                next(new byte[2 * BLOCK]);
            } else {
                return -1;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
            file = null;
        }
        ended = true;
        next = entries.size();
        block = new byte[0];
    }

    private void open(Entry entry) throws IOException {
        long size = Files.size(entry.file());
        if (size != entry.size()) {
            throw changed(entry, "it has " + size);
        }
        long mtime = Math.max(0, Files.getLastModifiedTime(entry.file()).toMillis() / 1000);
        file = Files.newInputStream(entry.file());
        current = entry;
        remaining = entry.size();
        next(headers(entry.name(), entry.size(), mtime));
    }

    private void next(byte[] bytes) {
        block = bytes;
        blockPos = 0;
    }

    private static IOException changed(Entry entry, String now) {
        return new IOException(entry.file() + " changed size while it was read into a tar archive: it had " + entry.size()
                + " bytes when listed, " + now + " now");
    }

    /** The header blocks of one regular file: a pax extended header when needed, then the ustar header. */
    static byte[] headers(String name, long size, long mtime) {
        byte[] pax = paxRecords(name, size);
        byte[] ustar = ustarHeader(ustarName(name), size > USTAR_MAX_SIZE ? 0 : size, mtime, '0');
        if (pax.length == 0) {
            return ustar;
        }
        byte[] out = new byte[BLOCK + (int) padded(pax.length) + BLOCK];
        String paxName = ustarName("PaxHeaders/" + ustarName(name));
        System.arraycopy(ustarHeader(paxName, pax.length, mtime, 'x'), 0, out, 0, BLOCK);
        System.arraycopy(pax, 0, out, BLOCK, pax.length);
        System.arraycopy(ustar, 0, out, out.length - BLOCK, BLOCK);
        return out;
    }

    /** The pax records {@code path} and {@code size} where ustar cannot hold them; empty when it can. */
    static byte[] paxRecords(String name, long size) {
        StringBuilder records = new StringBuilder();
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 100 || !isAscii(name)) {
            records.append(paxRecord("path", name));
        }
        if (size > USTAR_MAX_SIZE) {
            records.append(paxRecord("size", Long.toString(size)));
        }
        return records.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code "<length> <key>=<value>\n"}, where the length counts the whole record, its own digits included. */
    private static String paxRecord(String key, String value) {
        int body = 1 + key.length() + 1 + value.getBytes(StandardCharsets.UTF_8).length + 1;
        int length = body + Integer.toString(body).length();
        if (Integer.toString(length).length() != Integer.toString(body).length()) {
            length++;
        }
        return length + " " + key + "=" + value + "\n";
    }

    /**
     * The name as a ustar header holds it: the name itself when it is ASCII of at most 100 bytes,
     * else a stand-in (non-ASCII characters as '_', cut at 100) for readers that ignore pax.
     */
    private static String ustarName(String name) {
        StringBuilder ascii = new StringBuilder(Math.min(name.length(), 100));
        for (int i = 0; i < name.length() && ascii.length() < 100; ) {
            int c = name.codePointAt(i);
            ascii.append(c < 0x80 ? (char) c : '_');
            i += Character.charCount(c);
        }
        return ascii.toString();
    }

    private static byte[] ustarHeader(String name, long size, long mtime, char type) {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name);
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, Math.min(mtime, 077777777777L));
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        put(h, 257, 6, "ustar");
        put(h, 263, 2, "00");
        long sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        octal(h, 148, 7, sum);
        return h;
    }

    /** {@code value} as zero-padded octal digits filling {@code width - 1} bytes, then NUL. */
    private static void octal(byte[] h, int at, int width, long value) {
        String digits = Long.toOctalString(value);
        if (digits.length() > width - 1) {
            throw new IllegalArgumentException(value + " does not fit a " + width + "-byte tar field");
        }
        put(h, at, width - 1, "0".repeat(width - 1 - digits.length()) + digits);
        h[at + width - 1] = 0;
    }

    private static void put(byte[] h, int at, int width, String ascii) {
        byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, h, at, Math.min(bytes.length, width));
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }
}
