package io.hartonomous.atom.atomize.archive;

import io.hartonomous.atom.atomize.AtomizeContext;
import io.hartonomous.atom.atomize.Atomizer;
import io.hartonomous.atom.atomize.HashingInputStream;
import io.hartonomous.atom.atomize.MalformedInputException;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.atom.atomize.binary.BinaryAtomizer;
import io.hartonomous.atom.atomize.git.TarReader;
import io.hartonomous.common.hash.ContentHash;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A tar archive of files (one that holds no git repository) as a batch of documents: the archive
 * is the job's root and rebuilds byte for byte — header blocks, each file's content, the padding
 * to 512 bytes, the end-of-archive blocks — while each regular file's content is atomized by the
 * atomizer of its own modality (chosen by the entry's name and head, as for a git blob) and
 * declared with {@link AtomizeContext#entryRoot}, so it is pinned, listed and searched as a
 * document of its own. A file the tenant has already dedupes entirely against it; identical
 * headers and paddings dedupe too.
 *
 * <p>{@link #batch} is the same reader for an archive that is only a way to send many files at once
 * (POST /api/v1/ingest/batch): the files are atomized and declared the same way, but the archive's
 * framing — headers, padding, non-file entries, trailer — is read, checked and dropped, and no tree
 * is written for the archive itself (nothing would keep it).
 *
 * <p>Streaming: one header (or one pax/GNU metadata record of at most 1 MiB) in memory at a time.
 * A header whose checksum fails, a size the stream does not hold (truncated, or a lying header)
 * or metadata over the bound is refused with {@link MalformedInputException}.
 */
public final class TarArchiveAtomizer implements Atomizer {

    static final int BLOCK = 512;
    static final int MAX_METADATA = 1 << 20;
    static final long MAX_ENTRIES = 1_000_000;
    private static final String MODALITY = BinaryAtomizer.MODALITY;

    /** The modality of a batch job (its files have their own). */
    public static final String BATCH = "batch";

    private final Function<Sniff, Atomizer> entries;
    private final boolean framing;

    /** @param entries the atomizer of an entry's content (one tree, nothing else recorded) */
    public TarArchiveAtomizer(Function<Sniff, Atomizer> entries) {
        this(entries, true);
    }

    private TarArchiveAtomizer(Function<Sniff, Atomizer> entries, boolean framing) {
        this.entries = Objects.requireNonNull(entries);
        this.framing = framing;
    }

    /** The archive as a batch of files: only the files are atomized, as top-level trees of their own. */
    public static TarArchiveAtomizer batch(Function<Sniff, Atomizer> entries) {
        return new TarArchiveAtomizer(entries, false);
    }

    /**
     * The SHA-256 of each file of a batch, in archive order — the files {@link #atomize} would
     * atomize, checked the same way (a hostile batch fails here already) — read and hashed only.
     */
    public List<ContentHash> batchFileHashes(InputStream in, Sniff sniff) throws IOException {
        if (framing) {
            throw new IllegalStateException("only a batch lists its files' hashes");
        }
        List<ContentHash> hashes = new ArrayList<>();
        atomize(in, sniff, new TreeWriter(node -> {
            throw new IllegalStateException("hashing a batch's files emitted an atom");
        }), new AtomizeContext() {
            @Override
            public void derivedRoot(TreeWriter.Ref root, String relationType) {
                throw new IllegalStateException("hashing a batch's files declared a view");
            }

            @Override
            public void relation(ContentHash source, ContentHash target, String relationType, Double weight) {
                throw new IllegalStateException("hashing a batch's files declared a relation");
            }

            @Override
            public boolean skipEntry(long ordinal) {
                return true;
            }

            @Override
            public void skippedEntry(long ordinal, String name, ContentHash hash, long size) {
                hashes.add(hash);
            }
        });
        return hashes;
    }

    @Override
    public String modality() {
        return framing ? MODALITY : BATCH;
    }

    /** 80 for a tar archive (a git repository archive scores 90 with the git atomizer); else 0. */
    @Override
    public int score(Sniff sniff) {
        return TarReader.isTar(sniff.head()) ? 80 : 0;
    }

    @Override
    public String mediaType(Sniff sniff) {
        return score(sniff) > 0 ? "application/x-tar" : null;
    }

    @Override
    public void atomize(InputStream in, Sniff sniff, TreeWriter tree, AtomizeContext context) throws IOException {
        if (framing) {
            tree.open(MODALITY, "archive");
        }
        byte[] block = new byte[BLOCK];
        String longName = null;
        String paxPath = null;
        Long paxSize = null;
        long files = 0;
        long headers = 0;
        while (true) {
            int n = in.readNBytes(block, 0, BLOCK);
            if (n == 0) {
                return; // no end-of-archive blocks: tolerated, like GNU tar does
            }
            java.util.Arrays.fill(block, n, BLOCK, (byte) 0); // (only the first n bytes are written to the tree)
            if (!framing && n < BLOCK && !TarReader.isZero(block)) {
                throw new MalformedInputException("The tar archive is truncated: it ends inside a header.");
            }
            if (n < BLOCK || TarReader.isZero(block)) {
                // the end-of-archive blocks and whatever the writer padded the last record with
                if (framing) {
                    tree.open(MODALITY, "tar-trailer");
                    tree.bytes(block, 0, n, MODALITY, "bytes");
                }
                byte[] rest = new byte[64 * 1024];
                for (int r; (r = in.read(rest)) > 0; ) {
                    if (framing) {
                        tree.bytes(rest, 0, r, MODALITY, "bytes");
                    }
                }
                if (framing) {
                    tree.close();
                }
                return;
            }
            headers++;
            if (!TarReader.checksumMatches(block)) {
                throw new MalformedInputException("The tar archive is corrupt: header " + headers + " fails its checksum.");
            }
            byte type = block[156];
            long size = TarReader.number(block, 124, 12);
            if (size > sniff.size()) {
                throw new MalformedInputException("The tar archive is corrupt: an entry claims " + size
                        + " bytes, more than the whole archive (" + sniff.size() + ").");
            }
            if (framing) {
                tree.open(MODALITY, "tar-header");
                tree.bytes(block, 0, BLOCK, MODALITY, "bytes");
            }
            if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
                if (size > MAX_METADATA) {
                    throw new MalformedInputException("The tar archive has a metadata record of " + size
                            + " bytes (at most " + MAX_METADATA + ").");
                }
                byte[] meta = readFully(in, (int) padded(size));
                if (framing) {
                    tree.bytes(meta, 0, meta.length, MODALITY, "bytes");
                    tree.close();
                }
                if (type == 'L') {
                    longName = TarReader.string(meta, 0, (int) size);
                } else if (type == 'x') {
                    byte[] records = java.util.Arrays.copyOf(meta, (int) size);
                    for (String[] record : TarReader.paxRecords(records)) {
                        if (record[0].equals("path")) {
                            paxPath = record[1];
                        } else if (record[0].equals("size")) {
                            paxSize = TarReader.parseSize(record[1]);
                        }
                    }
                }
                continue;
            }
            if (framing) {
                tree.close();
            }
            long dataSize = paxSize != null ? paxSize : size;
            String name = paxPath != null ? paxPath : longName != null ? longName : ustarName(block);
            longName = null;
            paxPath = null;
            paxSize = null;
            if (dataSize > sniff.size()) {
                throw new MalformedInputException("The tar archive is corrupt: entry '" + printable(name) + "' claims "
                        + dataSize + " bytes, more than the whole archive (" + sniff.size() + ").");
            }
            if (dataSize == 0) {
                continue;
            }
            boolean regular = type == '0' || type == 0 || type == '7';
            Bounded content = new Bounded(in, dataSize, name);
            if (regular) {
                if (!framing) {
                    name = batchPath(name);
                }
                if (++files > MAX_ENTRIES) {
                    throw new MalformedInputException("The tar archive holds more than " + MAX_ENTRIES + " files.");
                }
                if (!framing && context.skipEntry(files - 1)) {
                    content.skipAll();
                    context.skippedEntry(files - 1, name, content.finish(), dataSize);
                } else {
                    TreeWriter.Ref ref = writeEntry(content, name, dataSize, tree, context);
                    context.entryRoot(ref, name);
                }
            } else if (framing) {
                tree.open(MODALITY, "tar-data");
                BinaryAtomizer.writeChunked(content, tree, MODALITY, "chunk", "bytes");
                tree.close();
            } else {
                content.skipAll();
            }
            if (content.remaining > 0) {
                throw new IllegalStateException("an atomizer left part of a tar entry unread");
            }
            int padding = (int) (padded(dataSize) - dataSize);
            if (padding > 0) {
                byte[] pad = readFully(in, padding);
                if (framing) {
                    tree.open(MODALITY, "tar-padding");
                    tree.bytes(pad, 0, padding, MODALITY, "bytes");
                    tree.close();
                }
            }
        }
    }

    /** One file's content through the atomizer of its modality; its atom must be exactly the content. */
    private TreeWriter.Ref writeEntry(Bounded content, String name, long size, TreeWriter tree, AtomizeContext context)
            throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(content, 64 * 1024);
        buffered.mark(4096);
        byte[] head = buffered.readNBytes(4096);
        buffered.reset();
        Sniff sniff = new Sniff(fileName(name), head, size);
        Atomizer atomizer = entries.apply(sniff);
        int base = tree.depth();
        TreeWriter.Ref ref = null;
        atomizer.atomize(buffered, sniff, tree,
                AtomizeContext.nestedIn(context, "an atomizer writing a second view cannot atomize a tar entry"));
        while (tree.depth() > base) {
            ref = tree.close();
        }
        if (buffered.read() >= 0) {
            throw new IllegalStateException("an atomizer left part of a tar entry unread");
        }
        ContentHash expected = content.finish();
        if (ref == null || !ref.hash().equals(expected) || ref.length() != size) {
            throw new IllegalStateException("the atom of tar entry '" + name + "' does not rebuild it (" + ref + ")");
        }
        return ref;
    }

    /** Longest path of a batch's file (a root's name is at most 255 characters without a prefix). */
    static final int MAX_BATCH_PATH = 255;
    private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("[\\p{Cntrl}\\u2028\\u2029\\u202e]");

    /**
     * A batch's file path as its root's name: leading {@code ./} taken off; a path that is absolute,
     * has a {@code ..} segment, a backslash or control characters, or is longer than 255 characters
     * fails the batch (a hostile archive names files to land elsewhere or to deceive a reader).
     */
    static String batchPath(String path) throws MalformedInputException {
        String name = path;
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        String problem = null;
        if (name.isEmpty()) {
            problem = "it is empty";
        } else if (name.length() > MAX_BATCH_PATH) {
            problem = "it is longer than " + MAX_BATCH_PATH + " characters";
        } else if (CONTROL.matcher(name).find()) {
            problem = "it contains control characters";
        } else if (name.startsWith("/") || name.contains("\\")) {
            problem = "it is an absolute path or contains a backslash";
        } else if (("/" + name + "/").contains("/../")) {
            problem = "it contains a '..' segment";
        }
        if (problem != null) {
            throw new MalformedInputException("The batch holds a file whose path cannot name a root ('" + printable(path)
                    + "'): " + problem + ". Nothing of the batch was kept.");
        }
        return name;
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new MalformedInputException("The tar archive is truncated: it ends inside an entry.");
        }
        return bytes;
    }

    /** The ustar name: prefix (when the magic says ustar) and name. */
    private static String ustarName(byte[] b) {
        String name = TarReader.string(b, 0, 100);
        boolean ustar = b[257] == 'u' && b[258] == 's' && b[259] == 't' && b[260] == 'a' && b[261] == 'r';
        String prefix = ustar ? TarReader.string(b, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** The last path component, which atomizers read the extension from. */
    private static String fileName(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.length() > 255 ? name.substring(name.length() - 255) : name;
    }

    public static String printable(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
    }

    /** An entry's bytes: exactly {@code remaining} of the archive, hashed; ending early is a truncated archive. */
    private static final class Bounded extends HashingInputStream {
        long remaining;
        private final String name;

        Bounded(InputStream in, long size, String name) {
            super(in);
            this.remaining = size;
            this.name = name;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new MalformedInputException("The tar archive is truncated: it ends inside '" + printable(name) + "'.");
            }
            remaining -= n;
            return n;
        }

        /** Reads the rest of the entry, keeping nothing. */
        void skipAll() throws IOException {
            byte[] discard = new byte[64 * 1024];
            while (read(discard, 0, discard.length) > 0) {
                // dropped
            }
        }

        @Override
        public void close() {
            // the archive stream stays open for the next entry
        }
    }
}
