package io.hartonomous.atom.atomize.binary;

import io.hartonomous.atom.atomize.Atomizer;
import io.hartonomous.atom.atomize.Grouper;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TreeWriter;

import java.io.IOException;
import java.io.InputStream;

/**
 * Anything without a better atomizer: content-defined chunks (gear rolling hash, 512 B – 8 KiB,
 * about 2 KiB on average) of 64-byte leaves, grouped by content-defined boundaries into a shallow
 * tree. Inserting bytes early in a file changes only the chunks around the insertion; the rest of
 * the tree still deduplicates.
 */
public final class BinaryAtomizer implements Atomizer {

    public static final String MODALITY = "binary";
    static final int MIN_CHUNK = 512;
    static final int MAX_CHUNK = 8 * 1024;
    private static final long BOUNDARY_MASK = (1L << 11) - 1; // ~2 KiB after the minimum
    private static final long[] GEAR = gearTable();

    @Override
    public String modality() {
        return MODALITY;
    }

    @Override
    public int score(Sniff sniff) {
        return 1;
    }

    @Override
    public void atomize(InputStream in, Sniff sniff, TreeWriter tree, io.hartonomous.atom.atomize.AtomizeContext context) throws IOException {
        tree.open(MODALITY, "file");
        writeChunked(in, tree, MODALITY, "chunk", "bytes");
    }

    /**
     * Writes a stream as content-defined chunks of 64-byte leaves, grouped, under the current
     * level. Reusable by other atomizers for opaque regions (tensor data, pixel streams).
     */
    public static void writeChunked(InputStream in, TreeWriter tree, String modality, String chunkSubtype,
                                    String leafSubtype) throws IOException {
        Grouper groups = new Grouper(tree, 2, 15, 64, modality, "group");
        byte[] chunk = new byte[MAX_CHUNK];
        byte[] buffer = new byte[64 * 1024];
        int size = 0;
        long gear = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                chunk[size++] = b;
                gear = (gear << 1) + GEAR[b & 0xff];
                if ((size >= MIN_CHUNK && (gear & BOUNDARY_MASK) == 0) || size == MAX_CHUNK) {
                    writeChunk(tree, groups, chunk, size, modality, chunkSubtype, leafSubtype);
                    size = 0;
                    gear = 0;
                }
            }
        }
        if (size > 0) {
            writeChunk(tree, groups, chunk, size, modality, chunkSubtype, leafSubtype);
        }
        groups.finish();
    }

    private static void writeChunk(TreeWriter tree, Grouper groups, byte[] chunk, int size, String modality,
                                   String chunkSubtype, String leafSubtype) throws IOException {
        groups.beforeUnit();
        tree.open(modality, chunkSubtype);
        tree.bytes(chunk, 0, size, modality, leafSubtype);
        groups.afterUnit(tree.close(), false);
    }

    private static long[] gearTable() {
        // SplitMix64 from a fixed seed, spelled out: chunk boundaries (hence atoms) must never change
        long state = 0x4841_5254_4f4eL;
        long[] table = new long[256];
        for (int i = 0; i < table.length; i++) {
            state += 0x9e3779b97f4a7c15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            table[i] = z ^ (z >>> 31);
        }
        return table;
    }
}
