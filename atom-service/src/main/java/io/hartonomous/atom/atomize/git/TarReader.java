package io.hartonomous.atom.atomize.git;

import io.hartonomous.atom.atomize.MalformedInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the entries of a tar stream (ustar, GNU long names, pax {@code path}/{@code linkpath}/
 * {@code size} records). Each entry's data must be read through {@link #data()} or is skipped by
 * the next {@link #next()}. Header checksums are verified; a header that does not verify, or a
 * stream that ends inside an entry, is a {@link MalformedInputException}.
 */
public final class TarReader {

    private static final int BLOCK = 512;
    /** Longest GNU long name or pax header accepted (both are held in memory). */
    private static final int MAX_META = 1 << 20;
    /** What {@link #parse} answers for a field that is not a number, and for one beyond a long. */
    private static final long MALFORMED = -1;
    private static final long OUT_OF_RANGE = -2;

    /** One entry: its path, type ({@code '0'} file, {@code '5'} directory, {@code '1'}/{@code '2'} links, …). */
    record Entry(String name, char type, long size, String linkName) {
        boolean isFile() {
            return type == '0' || type == '\0' || type == '7';
        }

        boolean isDirectory() {
            return type == '5' || (isFile() && name.endsWith("/"));
        }

        boolean isLink() {
            return type == '1' || type == '2';
        }
    }

    private final InputStream in;
    private final byte[] block = new byte[BLOCK];
    private long remaining;
    private long padding;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** True when {@code head} starts with a tar header whose checksum verifies. */
    public static boolean isTar(byte[] head) {
        return head.length >= BLOCK && checksumMatches(head);
    }

    /** The next entry, or null at the end of the archive (two zero blocks, or the end of the stream). */
    Entry next() throws IOException {
        skipData();
        String longName = null;
        String longLink = null;
        Long paxSize = null;
        while (true) {
            if (!readBlock()) {
                return null;
            }
            if (isZero(block)) {
                return null;
            }
            if (!checksumMatches(block)) {
                throw new MalformedInputException("The tar archive is corrupt: a header's checksum does not match.");
            }
            char type = (char) block[156];
            long size = number(block, 124, 12);
            String name = string(block, 0, 100);
            if (isUstar(block)) {
                String prefix = string(block, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            String link = string(block, 157, 100);
            if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
                byte[] meta = readMeta(size);
                if (type == 'L') {
                    longName = cString(meta);
                } else if (type == 'K') {
                    longLink = cString(meta);
                } else if (type == 'x') {
                    for (String[] record : paxRecords(meta)) {
                        switch (record[0]) {
                            case "path" -> longName = record[1];
                            case "linkpath" -> longLink = record[1];
                            case "size" -> paxSize = parseSize(record[1]);
                            default -> {
                            }
                        }
                    }
                }
                continue; // global pax headers ('g') carry nothing this reader needs
            }
            if (paxSize != null) {
                size = paxSize;
            }
            remaining = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            if (type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6') {
                // links, devices, directories and fifos have no data, whatever their size field says
                remaining = 0;
                padding = 0;
            }
            return new Entry(longName != null ? longName : name, type, remaining, longLink != null ? longLink : link);
        }
    }

    /** The current entry's data; reading past it returns end of stream. */
    InputStream data() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new MalformedInputException("The tar archive is truncated inside an entry.");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private void skipData() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            long skipped = in.skip(n);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new MalformedInputException("The tar archive is truncated inside an entry.");
                }
                skipped = 1;
            }
            n -= skipped;
        }
    }

    private boolean readBlock() throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new MalformedInputException("The tar archive is truncated inside a header.");
        }
        return true;
    }

    private byte[] readMeta(long size) throws IOException {
        if (size < 0 || size > MAX_META) {
            throw new MalformedInputException("The tar archive has an extended header of " + size + " bytes.");
        }
        byte[] meta = in.readNBytes((int) size);
        if (meta.length < size) {
            throw new MalformedInputException("The tar archive is truncated inside an extended header.");
        }
        skip((BLOCK - size % BLOCK) % BLOCK);
        return meta;
    }

    public static java.util.List<String[]> paxRecords(byte[] meta) throws MalformedInputException {
        java.util.List<String[]> records = new java.util.ArrayList<>();
        int at = 0;
        while (at < meta.length) {
            int space = at;
            while (space < meta.length && meta[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(meta, at, space - at, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new MalformedInputException("The tar archive has a malformed pax header.");
            }
            if (length <= space - at || at + length > meta.length) {
                throw new MalformedInputException("The tar archive has a malformed pax header.");
            }
            String record = new String(meta, space + 1, at + length - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                records.add(new String[]{record.substring(0, eq), record.substring(eq + 1)});
            }
            at += length;
        }
        return records;
    }

    public static long parseSize(String s) throws MalformedInputException {
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new MalformedInputException("The tar archive has a malformed pax size.");
        }
    }

    private static boolean isUstar(byte[] b) {
        return b[257] == 'u' && b[258] == 's' && b[259] == 't' && b[260] == 'a' && b[261] == 'r';
    }

    public static boolean checksumMatches(byte[] b) {
        // a sniffed head that is no tar at all has anything there: no exception for that
        long stored = parse(b, 148, 8);
        if (stored < 0) {
            return false;
        }
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (b[i] & 0xff);
        }
        return sum == stored;
    }

    public static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** An octal field, or a GNU base-256 one (high bit of the first byte set). */
    public static long number(byte[] b, int offset, int length) throws MalformedInputException {
        long v = parse(b, offset, length);
        if (v == OUT_OF_RANGE) {
            throw new MalformedInputException("The tar archive has a number out of range.");
        }
        if (v < 0) {
            throw new MalformedInputException("The tar archive has a malformed number in a header.");
        }
        return v;
    }

    /** {@link #number}, or {@link #MALFORMED} or {@link #OUT_OF_RANGE}. */
    private static long parse(byte[] b, int offset, int length) {
        if ((b[offset] & 0x80) != 0) {
            long v = b[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                if (v > (Long.MAX_VALUE >>> 8)) {
                    return OUT_OF_RANGE;
                }
                v = (v << 8) | (b[offset + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        int i = offset;
        int end = offset + length;
        while (i < end && (b[i] == ' ' || b[i] == 0)) {
            i++;
        }
        for (; i < end && b[i] != 0 && b[i] != ' '; i++) {
            if (b[i] < '0' || b[i] > '7') {
                return MALFORMED;
            }
            if (v > (Long.MAX_VALUE >>> 3)) {
                return OUT_OF_RANGE;
            }
            v = (v << 3) | (b[i] - '0');
        }
        return v;
    }

    public static String string(byte[] b, int offset, int length) {
        int end = offset;
        while (end < offset + length && b[end] != 0) {
            end++;
        }
        return new String(b, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] b) {
        return string(b, 0, b.length);
    }

    /** Reads whatever entries fit in a stream that may stop early (a sniffed head). */
    static java.util.List<String> namesIn(byte[] head) {
        java.util.List<String> names = new java.util.ArrayList<>();
        TarReader reader = new TarReader(new java.io.ByteArrayInputStream(head));
        try {
            for (Entry e; (e = reader.next()) != null; ) {
                names.add(e.name());
            }
        } catch (IOException e) {
            // the head ends inside an entry, or is not a tar: what was read so far stands
        }
        return names;
    }
}
