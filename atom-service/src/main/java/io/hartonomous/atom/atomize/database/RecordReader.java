package io.hartonomous.atom.atomize.database;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;

/**
 * Reads records (a CSV record, a JSON Lines line, a JSON array element) into one reused buffer of
 * at most {@code max} bytes, and hands back whatever was not consumed as a stream when the input
 * stops being a table.
 */
final class RecordReader {

    private final InputStream in;
    private final int max;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    byte[] record = new byte[1024];
    int length;

    RecordReader(InputStream in, int max) {
        this.in = in;
        this.max = max;
    }

    /** The next byte without consuming it, or -1 at the end. */
    int peek() throws IOException {
        if (position == limit) {
            limit = Math.max(0, in.read(buffer));
            position = 0;
            if (limit == 0) {
                return -1;
            }
        }
        return buffer[position] & 0xff;
    }

    /** Moves the next byte into the record; false when the record is full (nothing consumed). */
    boolean take() throws IOException {
        int b = peek();
        if (b < 0 || length == max) {
            return false;
        }
        if (length == record.length) {
            record = Arrays.copyOf(record, Math.min(max, record.length * 2));
        }
        record[length++] = (byte) b;
        position++;
        return true;
    }

    void clear() {
        length = 0;
    }

    /** The record so far, then everything not yet read. */
    InputStream rest() {
        return new SequenceInputStream(new ByteArrayInputStream(Arrays.copyOf(record, length)),
                new SequenceInputStream(new ByteArrayInputStream(buffer, position, limit - position), in));
    }
}
