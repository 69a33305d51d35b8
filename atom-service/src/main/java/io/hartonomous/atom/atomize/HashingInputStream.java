package io.hartonomous.atom.atomize;

import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.hash.Sha256;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that hashes what is read through it (skipped bytes are read and hashed too), so that
 * content embedded in another input (a git blob, a file of an archive) can be checked against the
 * atom its atomizer built: {@link #finish()} is the SHA-256 of everything read.
 */
public class HashingInputStream extends FilterInputStream {

    private final Sha256 sha = new Sha256();

    public HashingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            sha.update(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** The SHA-256 of the bytes read so far (once). */
    public ContentHash finish() {
        return sha.finish();
    }
}
