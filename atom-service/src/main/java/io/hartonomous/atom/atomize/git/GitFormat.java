package io.hartonomous.atom.atomize.git;

import io.hartonomous.atom.atomize.Sniff;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The containers a repository arrives in, recognised by content: a git bundle (v2 or v3 header),
 * or a tar or zip archive whose first entries look like a bare repository ({@code HEAD},
 * {@code objects/}, {@code refs/} at the top, or a top directory named {@code *.git/}). The head
 * only shows the first entries; the whole listing decides later ({@link #gitDir}), and an archive
 * that turns out not to hold a repository keeps its byte view only.
 */
enum GitFormat {
    BUNDLE, TAR, ZIP;

    static final byte[] BUNDLE_V2 = "# v2 git bundle\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BUNDLE_V3 = "# v3 git bundle\n".getBytes(StandardCharsets.US_ASCII);
    private static final Set<String> TOP = Set.of("HEAD", "packed-refs", "objects", "refs");

    /** The container, or null when the head does not look like a repository in one. */
    static GitFormat of(Sniff sniff) {
        if (sniff.startsWith(BUNDLE_V2) || sniff.startsWith(BUNDLE_V3)) {
            return BUNDLE;
        }
        if (TarReader.isTar(sniff.head()) && looksLikeRepository(TarReader.namesIn(sniff.head()))) {
            return TAR;
        }
        if (sniff.startsWith((byte) 'P', (byte) 'K', (byte) 3, (byte) 4) && looksLikeRepository(zipNames(sniff.head()))) {
            return ZIP;
        }
        return null;
    }

    /** Some entry is a repository's own ({@code HEAD}, {@code objects/…}) or lies under a {@code *.git/} directory. */
    static boolean looksLikeRepository(Collection<String> names) {
        for (String raw : names) {
            String name = normalize(raw);
            int slash = name.indexOf('/');
            String first = slash < 0 ? name : name.substring(0, slash);
            if ((slash > 0 && first.endsWith(".git") && first.length() > 4) || (first.equals("HEAD") && slash < 0)
                    || (slash > 0 && TOP.contains(first)) || name.equals("packed-refs")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the repository is in a complete listing: {@code ""} when {@code HEAD}, {@code objects/}
     * and {@code refs/} (or {@code packed-refs}) are at the top, {@code "x.git/"} when they are under
     * exactly one top directory named so; null when the archive holds no repository.
     */
    static String gitDir(Collection<String> names) {
        if (hasLayout(names, "")) {
            return "";
        }
        String found = null;
        Set<String> tops = new java.util.TreeSet<>();
        for (String raw : names) {
            String name = normalize(raw);
            int slash = name.indexOf('/');
            if (slash > 4 && name.substring(0, slash).endsWith(".git")) {
                tops.add(name.substring(0, slash + 1));
            }
        }
        for (String top : tops) {
            if (hasLayout(names, top)) {
                if (found != null) {
                    return null; // two repositories: which one the user meant is not ours to guess
                }
                found = top;
            }
        }
        return found;
    }

    private static boolean hasLayout(Collection<String> names, String prefix) {
        boolean head = false;
        boolean objects = false;
        boolean refs = false;
        for (String raw : names) {
            String name = normalize(raw);
            if (!name.startsWith(prefix)) {
                continue;
            }
            String rest = name.substring(prefix.length());
            head |= rest.equals("HEAD");
            objects |= rest.startsWith("objects/");
            refs |= rest.startsWith("refs/") || rest.equals("packed-refs");
        }
        return head && objects && refs;
    }

    /** An entry name without a leading {@code ./}. */
    static String normalize(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n;
    }

    /** Names of the zip's local file headers that fit in the head. */
    static List<String> zipNames(byte[] head) {
        List<String> names = new ArrayList<>();
        int at = 0;
        while (at + 30 <= head.length && head[at] == 'P' && head[at + 1] == 'K' && head[at + 2] == 3 && head[at + 3] == 4) {
            int flags = u16(head, at + 6);
            long compressed = u32(head, at + 18);
            int nameLength = u16(head, at + 26);
            int extraLength = u16(head, at + 28);
            if (at + 30 + nameLength > head.length) {
                break;
            }
            names.add(new String(head, at + 30, nameLength, StandardCharsets.UTF_8));
            if ((flags & 0x08) != 0 && compressed == 0) {
                break; // sizes follow the data: the next header cannot be found without inflating
            }
            long next = at + 30L + nameLength + extraLength + compressed;
            if (next > head.length) {
                break;
            }
            at = (int) next;
        }
        return names;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }
}
