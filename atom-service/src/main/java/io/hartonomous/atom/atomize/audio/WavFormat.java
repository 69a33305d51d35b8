package io.hartonomous.atom.atomize.audio;

/**
 * The parts of a {@code fmt } chunk that frame the samples. {@code tag} is the format tag, with
 * WAVE_FORMAT_EXTENSIBLE resolved to its sub-format.
 */
record WavFormat(int tag, int channels, long sampleRate, int blockAlign, int bitsPerSample) {

    static final int PCM = 1;
    static final int FLOAT = 3;
    private static final int EXTENSIBLE = 0xfffe;

    /** Parses a fmt chunk body; null when it is too short to be one. */
    static WavFormat parse(byte[] body, int length) {
        if (length < 16) {
            return null;
        }
        int tag = u16(body, 0);
        if (tag == EXTENSIBLE && length >= 40) {
            tag = u16(body, 24);
        }
        return new WavFormat(tag, u16(body, 2), u32(body, 4), u16(body, 12), u16(body, 14));
    }

    /**
     * True when the data can be cut into frames that are leaves and whose first sample can be
     * read: PCM or float, at least one channel, and a block alignment that matches channels × bytes
     * per sample and fits a leaf.
     */
    boolean framesSamples() {
        int bytes = (bitsPerSample + 7) / 8;
        boolean sampleSize = (tag == PCM && bytes >= 1 && bytes <= 4) || (tag == FLOAT && (bytes == 4 || bytes == 8));
        return sampleSize && channels >= 1 && blockAlign == channels * bytes && blockAlign <= 64;
    }

    /** Bytes of one sample. */
    int sampleBytes() {
        return (bitsPerSample + 7) / 8;
    }

    /** The first channel's sample of the frame at {@code at}: an integer value, or a float in [-1, 1]. */
    double firstSample(byte[] frame, int at) {
        return switch (tag == FLOAT ? -sampleBytes() : sampleBytes()) {
            case 1 -> (frame[at] & 0xff) - 128; // 8-bit PCM is unsigned
            case 2 -> (short) u16(frame, at);
            case 3 -> ((frame[at] & 0xff) | (frame[at + 1] & 0xff) << 8 | frame[at + 2] << 16);
            case 4 -> (int) u32(frame, at);
            case -4 -> Float.intBitsToFloat((int) u32(frame, at));
            case -8 -> Double.longBitsToDouble(u32(frame, at) | u32(frame, at + 4) << 32);
            default -> 0;
        };
    }

    /** The sample scaled to 0..65535, for the Hilbert index. */
    int quantized(double sample) {
        double unit;
        if (tag == FLOAT) {
            unit = Double.isNaN(sample) ? 0 : Math.max(-1, Math.min(1, sample));
        } else {
            unit = sample / (1L << (sampleBytes() * 8 - 1));
        }
        return (int) Math.max(0, Math.min(65535, Math.round((unit + 1) * 32767.5)));
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }
}
