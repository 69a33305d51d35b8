package io.hartonomous.atom.atomize.git;

import io.hartonomous.atom.atomize.MalformedInputException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Unpacks the repository inside a tar or zip archive into a directory, safely: every entry name
 * is checked (no absolute paths, no {@code ..}, no backslashes; links are never created, and a
 * link pointing outside is refused), entries and unpacked bytes are counted against
 * {@link GitLimits}, and only what reading objects needs is written — {@code HEAD},
 * {@code packed-refs}, {@code refs/**}, {@code objects/**} — never the archive's {@code config},
 * hooks or {@code objects/info/alternates} (which could point jgit at the host's files).
 */
final class Archive {

    private final GitLimits limits;

    Archive(GitLimits limits) {
        this.limits = limits;
    }

    /** Entry names, in archive order, after the safety checks. */
    List<String> list(GitFormat format, Path file) throws IOException {
        List<String> names = new ArrayList<>();
        if (format == GitFormat.TAR) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
                TarReader tar = new TarReader(in);
                for (TarReader.Entry e; (e = tar.next()) != null; ) {
                    check(e.name(), names.size());
                    if (e.isLink()) {
                        checkLink(e.name(), e.linkName());
                    }
                    names.add(GitFormat.normalize(e.name()));
                }
            }
        } else {
            try (ZipFile zip = open(file)) {
                for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                    ZipEntry e = en.nextElement();
                    check(e.getName(), names.size());
                    names.add(GitFormat.normalize(e.getName()));
                }
            }
        }
        return names;
    }

    /**
     * Writes the repository's files found under {@code prefix} (see {@link GitFormat#gitDir})
     * into {@code target}, which becomes a bare repository directory.
     */
    void unpack(GitFormat format, Path file, String prefix, Path target, long inputBytes) throws IOException {
        long[] budget = {limits.unpackBudget(inputBytes)};
        if (format == GitFormat.TAR) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
                TarReader tar = new TarReader(in);
                for (TarReader.Entry e; (e = tar.next()) != null; ) {
                    String rel = wanted(GitFormat.normalize(e.name()), prefix);
                    if (rel != null && e.isFile() && !e.isDirectory()) {
                        write(tar.data(), target, rel, budget);
                    }
                }
            }
        } else {
            try (ZipFile zip = open(file)) {
                for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                    ZipEntry e = en.nextElement();
                    String rel = wanted(GitFormat.normalize(e.getName()), prefix);
                    if (rel != null && !e.isDirectory()) {
                        try (InputStream in = zip.getInputStream(e)) {
                            write(in, target, rel, budget);
                        } catch (ZipException ex) {
                            throw new MalformedInputException("The zip archive is corrupt: " + ex.getMessage());
                        }
                    }
                }
            }
        }
        Files.createDirectories(target.resolve("objects"));
        Files.createDirectories(target.resolve("refs"));
    }

    /** The path inside the repository, or null for entries reading objects does not need. */
    private static String wanted(String name, String prefix) {
        if (!name.startsWith(prefix)) {
            return null;
        }
        String rel = name.substring(prefix.length());
        if (rel.equals("HEAD") || rel.equals("packed-refs") || rel.startsWith("refs/")) {
            return rel;
        }
        if (rel.startsWith("objects/") && !rel.startsWith("objects/info/")) {
            return rel;
        }
        return null;
    }

    private static void write(InputStream in, Path target, String rel, long[] budget) throws IOException {
        Path path = target.resolve(rel).normalize();
        if (!path.startsWith(target) || path.equals(target)) {
            throw new MalformedInputException("The archive entry '" + rel + "' points outside the archive.");
        }
        Files.createDirectories(path.getParent());
        if (Files.isDirectory(path)) {
            throw new MalformedInputException("The archive has both a file and a directory named '" + rel + "'.");
        }
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(path)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                budget[0] -= n;
                if (budget[0] < 0) {
                    throw new MalformedInputException(
                            "The archive unpacks to more than the limit for its size; archives may expand at most "
                                    + "to the limit of the ingestion settings (git.max-unpack-ratio, git.max-unpacked-bytes).");
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private void check(String name, int count) throws MalformedInputException {
        if (count >= limits.maxArchiveEntries()) {
            throw new MalformedInputException("The archive has more than " + limits.maxArchiveEntries() + " entries.");
        }
        if (!isSafe(name)) {
            throw new MalformedInputException("The archive entry '" + printable(name) + "' points outside the archive "
                    + "(absolute paths, '..' and backslashes are not accepted).");
        }
    }

    private static void checkLink(String name, String link) throws MalformedInputException {
        String parent = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
        if (link.startsWith("/") || !isSafe(link) || !isSafe(parent + link)) {
            throw new MalformedInputException("The archive entry '" + printable(name) + "' links outside the archive.");
        }
    }

    /** Relative, no {@code ..} segment, no backslash, no drive letter, no NUL. */
    static boolean isSafe(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0
                || (name.length() >= 2 && name.charAt(1) == ':')) {
            return false;
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String name) {
        String cut = name.length() > 200 ? name.substring(0, 200) + "…" : name;
        StringBuilder b = new StringBuilder();
        cut.codePoints().forEach(c -> b.append(Character.isISOControl(c) ? "?" : Character.toString(c)));
        return b.toString();
    }

    private static ZipFile open(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new MalformedInputException("The zip archive is corrupt: " + e.getMessage().toLowerCase(Locale.ROOT));
        }
    }
}
