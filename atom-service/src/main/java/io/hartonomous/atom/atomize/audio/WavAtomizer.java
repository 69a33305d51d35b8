package io.hartonomous.atom.atomize.audio;

import io.hartonomous.atom.atomize.AtomNode;
import io.hartonomous.atom.atomize.AtomizeContext;
import io.hartonomous.atom.atomize.Atomizer;
import io.hartonomous.atom.atomize.Grouper;
import io.hartonomous.atom.atomize.RunGrouper;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.atom.atomize.binary.BinaryAtomizer;
import io.hartonomous.common.hilbert.Hilbert3D;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * WAV (RIFF/WAVE): document → the 12-byte RIFF header ({@code header}), then one level per chunk
 * ({@code chunk}, or {@code data}) starting with its 8-byte {@code chunk-header} leaf. The data
 * chunk's samples are frames — one sample per channel, {@code blockAlign} bytes, a leaf of subtype
 * {@code frame} — grouped by content ({@link RunGrouper}, so silence deduplicates), each placed at
 * x = frame index, y = first channel's sample value, z = frame index / 2^21, m = Hilbert(x mod
 * 2^21, sample scaled to 16 bits, z). Frame positions are those of the frame's first sighting: a
 * repeated group keeps the decomposition stored first.
 *
 * <p>Hostile input never fails: sizes are clamped to the bytes present (a data chunk claiming
 * 4 GB in a small file ends where the file does; the RIFF size field is not trusted at all), a
 * fmt chunk that cannot frame samples (0 channels, inconsistent or oversized block alignment,
 * compressed formats, data before fmt) leaves the data as opaque content-defined chunks, and
 * leftovers (a partial last frame, a pad byte, a partial chunk header) are their own leaves. Memory
 * is one 64 KiB buffer plus the open groups, whatever the file claims.
 */
public final class WavAtomizer implements Atomizer {

    public static final String MODALITY = "audio";
    private static final Set<String> EXTENSIONS = Set.of("wav", "wave");
    private static final int MAX_FMT = 1024;
    private static final Hilbert3D CURVE = new Hilbert3D(21);
    private static final long X_MASK = (1L << 21) - 1;

    @Override
    public String modality() {
        return MODALITY;
    }

    @Override
    public int score(Sniff sniff) {
        byte[] h = sniff.head();
        boolean riffWave = sniff.startsWith((byte) 'R', (byte) 'I', (byte) 'F', (byte) 'F') && h.length >= 12
                && h[8] == 'W' && h[9] == 'A' && h[10] == 'V' && h[11] == 'E';
        if (!riffWave) {
            return 0;
        }
        return EXTENSIONS.contains(sniff.extension()) ? 85 : 80;
    }

    @Override
    public String mediaType(Sniff sniff) {
        return score(sniff) > 0 ? "audio/wav" : null;
    }

    @Override
    public void atomize(InputStream in, Sniff sniff, TreeWriter tree, AtomizeContext context) throws IOException {
        tree.open(MODALITY, "document");
        byte[] riff = in.readNBytes(12);
        if (riff.length > 0) {
            tree.leaf(riff, 0, riff.length, MODALITY, "header");
        }
        Grouper chunks = new Grouper(tree, 1, 15, 256, MODALITY, "group");
        WavFormat format = null;
        byte[] header = new byte[8];
        while (riff.length == 12) {
            int n = in.readNBytes(header, 0, 8);
            if (n == 0) {
                break;
            }
            chunks.beforeUnit();
            if (n < 8) {
                chunks.afterUnit(tree.leaf(header, 0, n, MODALITY, "trailing"), true);
                break;
            }
            String id = new String(header, 0, 4, StandardCharsets.ISO_8859_1);
            long size = WavFormat.u32(header, 4);
            boolean data = id.equals("data");
            tree.open(MODALITY, data ? "data" : "chunk");
            tree.leaf(header, 0, 8, MODALITY, "chunk-header");
            if (id.equals("fmt ") && size <= MAX_FMT) {
                byte[] body = in.readNBytes((int) size);
                if (body.length > 0) {
                    tree.bytes(body, 0, body.length, MODALITY, "fmt");
                }
                if (format == null) {
                    format = WavFormat.parse(body, body.length);
                }
            } else if (data && format != null && format.framesSamples()) {
                writeFrames(new Bounded(in, size), tree, format);
            } else {
                BinaryAtomizer.writeChunked(new Bounded(in, size), tree, MODALITY, "chunk", "bytes");
            }
            if ((size & 1) == 1) {
                byte[] pad = in.readNBytes(1);
                if (pad.length == 1) {
                    tree.leaf(pad, 0, 1, MODALITY, "pad");
                }
            }
            chunks.afterUnit(tree.close(), false);
        }
        chunks.finish();
    }

    private static void writeFrames(InputStream in, TreeWriter tree, WavFormat format) throws IOException {
        int frameSize = format.blockAlign();
        RunGrouper groups = new RunGrouper(tree, 2, 64, 1024, 15, MODALITY, "group");
        byte[] buffer = new byte[64 * 1024 - (64 * 1024) % frameSize];
        long frame = 0;
        int filled;
        while ((filled = in.readNBytes(buffer, 0, buffer.length)) > 0) {
            int whole = filled - filled % frameSize;
            for (int at = 0; at < whole; at += frameSize, frame++) {
                double sample = format.firstSample(buffer, at);
                long z = frame >>> 21;
                AtomNode.Position position = new AtomNode.Position((double) frame, Double.isFinite(sample) ? sample : null, (double) z,
                        CURVE.encode(frame & X_MASK, format.quantized(sample) << 5, z & X_MASK));
                groups.beforeUnit();
                groups.afterUnit(tree.leaf(buffer, at, frameSize, MODALITY, "frame", position));
            }
            if (whole < filled) { // only at the end of the data: readNBytes fills the buffer otherwise
                groups.finish();
                tree.leaf(buffer, whole, filled - whole, MODALITY, "bytes");
            }
        }
        groups.finish();
    }

    /** At most {@code limit} bytes of {@code in}, without closing it; ends early where {@code in} does. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
