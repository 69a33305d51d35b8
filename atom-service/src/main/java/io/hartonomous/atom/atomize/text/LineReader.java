package io.hartonomous.atom.atomize.text;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into lines that keep their terminator ({@code \n}), so the lines concatenate
 * back to the stream; a line longer than {@code max} is returned in pieces of {@code max}.
 * Reuses one buffer: the array returned by {@link #next()} is valid until the next call.
 */
public final class LineReader {

    private final InputStream in;
    private final int max;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private int length;

    public LineReader(InputStream in, int max) {
        this.in = in;
        this.max = max;
    }

    /** The next line (read {@link #length()} bytes of it), or null at the end. */
    public byte[] next() throws IOException {
        length = 0;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return length == 0 ? null : line;
                }
            }
            while (position < limit) {
                byte b = buffer[position++];
                if (length == line.length) {
                    line = Arrays.copyOf(line, Math.min(max, line.length * 2));
                }
                line[length++] = b;
                if (b == '\n' || length == max) {
                    return line;
                }
            }
        }
    }

    public int length() {
        return length;
    }
}
