package io.hartonomous.atom.atomize.git;

import io.hartonomous.atom.atomize.MalformedInputException;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PackParser;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A git bundle (v2 or v3, SHA-1): its header — refs, then a blank line — and the pack after it.
 * Only complete bundles are accepted: a bundle with prerequisites holds a thin pack whose deltas
 * point at objects it does not contain.
 *
 * @param headerLength bytes of the header, blank line included; the pack starts there
 * @param headerLines  lines of the header, blank line included
 * @param tips         the objects the bundle's refs name, in header order
 */
record Bundle(long headerLength, int headerLines, List<ObjectId> tips) {

    /** Longest header accepted (it lists every ref). */
    static final int MAX_HEADER = 64 << 20;
    private static final int MAX_LINE = 64 * 1024;

    static Bundle readHeader(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            String signature = line(in);
            long length = signature.length() + 1L;
            if (!signature.equals("# v2 git bundle") && !signature.equals("# v3 git bundle")) {
                throw new MalformedInputException("The bundle's header is not a git bundle signature.");
            }
            boolean v3 = signature.charAt(3) == '3';
            List<ObjectId> tips = new ArrayList<>();
            int lines = 1;
            while (true) {
                String line = line(in);
                lines++;
                length += line.length() + 1L;
                if (length > MAX_HEADER) {
                    throw new MalformedInputException("The bundle's header is longer than " + MAX_HEADER + " bytes.");
                }
                if (line.isEmpty()) {
                    break;
                }
                if (line.startsWith("@")) {
                    if (!v3) {
                        throw new MalformedInputException("The bundle has a capability line but is not a v3 bundle.");
                    }
                    capability(line.substring(1));
                } else if (line.startsWith("-")) {
                    throw new MalformedInputException("The bundle depends on commits it does not contain (an incremental "
                            + "bundle); upload a complete one (git bundle create repo.bundle --all).");
                } else {
                    tips.add(objectId(line));
                }
            }
            if (tips.isEmpty()) {
                throw new MalformedInputException("The bundle names no refs.");
            }
            return new Bundle(length, lines, List.copyOf(tips));
        }
    }

    /** Indexes the pack into {@code repository}, verifying every object's id. */
    void indexPack(Path file, Repository repository, long maxObjectBytes) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
             ObjectInserter inserter = repository.newObjectInserter()) {
            in.skipNBytes(headerLength);
            PackParser parser = inserter.newPackParser(in);
            parser.setAllowThin(false);
            parser.setCheckEofAfterPackFooter(true);
            parser.setMaxObjectSizeLimit(maxObjectBytes);
            parser.parse(NullProgressMonitor.INSTANCE);
            inserter.flush();
        } catch (MalformedInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedInputException("The bundle's pack is truncated or corrupt: " + e.getMessage());
        }
    }

    private static void capability(String capability) throws MalformedInputException {
        if (capability.equals("object-format=sha1")) {
            return;
        }
        if (capability.startsWith("object-format=")) {
            throw new MalformedInputException("The bundle's repository uses " + capability.substring(14)
                    + " object ids; only SHA-1 repositories are supported.");
        }
        if (capability.startsWith("filter=")) {
            throw new MalformedInputException("The bundle is a partial (filtered) bundle; upload a complete one.");
        }
        throw new MalformedInputException("The bundle requires the unknown capability '" + capability + "'.");
    }

    private static ObjectId objectId(String line) throws MalformedInputException {
        int space = line.indexOf(' ');
        if (space != 40 || !ObjectId.isId(line.substring(0, 40))) {
            throw new MalformedInputException("The bundle's header has a malformed ref line.");
        }
        return ObjectId.fromString(line.substring(0, 40));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new MalformedInputException("The bundle ends inside its header.");
            }
            if (b.length() >= MAX_LINE) {
                throw new MalformedInputException("The bundle's header has a line over " + MAX_LINE + " bytes.");
            }
            b.append((char) c);
        }
        return b.toString(); // one char per byte, so lengths count bytes
    }
}
