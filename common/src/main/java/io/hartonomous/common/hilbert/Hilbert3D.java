package io.hartonomous.common.hilbert;

/**
 * A 3-D Hilbert curve over a cube of side 2^bits (bits 1..21, so an index fits in 63 bits).
 * Points close on the curve are close in space, which keeps neighbouring positions (pixels of a
 * patch, weights of a tensor row, embeddings of a concept) together in sorted storage
 * (DESIGN.md invariant 6, the M of a position).
 *
 * <p>John Skilling's transpose algorithm ("Programming the Hilbert curve", AIP Conf. Proc. 707,
 * 2004). {@link #decode} is the exact inverse of {@link #encode}, and consecutive indexes map to
 * points at Manhattan distance one.
 */
public final class Hilbert3D {

    public static final int MAX_BITS = 21;
    private static final int DIMENSIONS = 3;

    private final int bits;
    private final long side;

    public Hilbert3D(int bits) {
        if (bits < 1 || bits > MAX_BITS) {
            throw new IllegalArgumentException("bits per axis must be 1.." + MAX_BITS + ", not " + bits);
        }
        this.bits = bits;
        this.side = 1L << bits;
    }

    public int bits() {
        return bits;
    }

    /** Coordinates range over {@code [0, side())}. */
    public long side() {
        return side;
    }

    /** The index of (x, y, z) along the curve, in {@code [0, side()^3)}. */
    public long encode(long x, long y, long z) {
        long[] axes = {check(x, "x"), check(y, "y"), check(z, "z")};
        axesToTranspose(axes);
        long index = 0;
        for (int bit = bits - 1; bit >= 0; bit--) {
            for (int i = 0; i < DIMENSIONS; i++) {
                index = (index << 1) | ((axes[i] >>> bit) & 1L);
            }
        }
        return index;
    }

    /** The point at {@code index} along the curve, as {x, y, z}. */
    public long[] decode(long index) {
        // a shift, not 1L << 63 (negative), so that at 21 bits every non-negative long is an index
        if (index < 0 || index >>> (DIMENSIONS * bits) != 0) {
            throw new IllegalArgumentException("index out of range for " + bits + " bits per axis: " + index);
        }
        long[] axes = new long[DIMENSIONS];
        int shift = DIMENSIONS * bits - 1;
        for (int bit = bits - 1; bit >= 0; bit--) {
            for (int i = 0; i < DIMENSIONS; i++, shift--) {
                axes[i] |= ((index >>> shift) & 1L) << bit;
            }
        }
        transposeToAxes(axes);
        return axes;
    }

    private long check(long v, String axis) {
        if (v < 0 || v >= side) {
            throw new IllegalArgumentException(axis + " must be in [0, " + side + "), not " + v);
        }
        return v;
    }

    private void axesToTranspose(long[] x) {
        long m = 1L << (bits - 1);
        for (long q = m; q > 1; q >>>= 1) {
            long p = q - 1;
            for (int i = 0; i < DIMENSIONS; i++) {
                if ((x[i] & q) != 0) {
                    x[0] ^= p;
                } else {
                    long t = (x[0] ^ x[i]) & p;
                    x[0] ^= t;
                    x[i] ^= t;
                }
            }
        }
        for (int i = 1; i < DIMENSIONS; i++) {
            x[i] ^= x[i - 1];
        }
        long t = 0;
        for (long q = m; q > 1; q >>>= 1) {
            if ((x[DIMENSIONS - 1] & q) != 0) {
                t ^= q - 1;
            }
        }
        for (int i = 0; i < DIMENSIONS; i++) {
            x[i] ^= t;
        }
    }

    private void transposeToAxes(long[] x) {
        long n = 2L << (bits - 1);
        long t = x[DIMENSIONS - 1] >>> 1;
        for (int i = DIMENSIONS - 1; i > 0; i--) {
            x[i] ^= x[i - 1];
        }
        x[0] ^= t;
        for (long q = 2; q != n; q <<= 1) {
            long p = q - 1;
            for (int i = DIMENSIONS - 1; i >= 0; i--) {
                if ((x[i] & q) != 0) {
                    x[0] ^= p;
                } else {
                    long s = (x[0] ^ x[i]) & p;
                    x[0] ^= s;
                    x[i] ^= s;
                }
            }
        }
    }
}
