package io.hartonomous.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Real inputs nobody here wrote, taken from the machine, deterministic for a given machine:
 * the plain-text documentation under {@code /usr/share/doc}, the JDK's own Java sources
 * ({@code $JAVA_HOME/lib/src.zip}) and the all-MiniLM-L6-v2 ONNX model shipped in a Maven artifact.
 */
final class Corpora {

    private Corpora() {
    }

    /** A named set of files copied under {@code dir}. */
    record Corpus(String name, List<Path> files, long bytes) {
    }

    /** The corpus's files as one GNU tar archive (by the system's tar), in corpus order. */
    static Corpus tar(Corpus corpus, Path archive) throws IOException, InterruptedException {
        Path dir = corpus.files().get(0).getParent();
        List<String> command = new ArrayList<>(List.of("tar", "--format=gnu", "-cf", archive.toString(), "-C", dir.toString()));
        corpus.files().forEach(f -> command.add(dir.relativize(f).toString()));
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("tar failed for " + corpus.name());
        }
        return new Corpus(corpus.name() + " as one tar", List.of(archive), Files.size(archive));
    }

    /** UTF-8 text files of /usr/share/doc (no .gz, no NUL byte), sorted by path, up to {@code maxBytes}. */
    static Corpus text(Path dir, long maxBytes) throws IOException {
        return text(dir, 0, maxBytes);
    }

    /** As {@link #text(Path, long)}, leaving out the first {@code skipBytes} of such files (another corpus's). */
    static Corpus text(Path dir, long skipBytes, long maxBytes) throws IOException {
        List<Path> candidates;
        try (Stream<Path> walk = Files.walk(Path.of("/usr/share/doc"))) {
            candidates = walk.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".gz"))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
        List<Path> files = new ArrayList<>();
        long total = 0;
        long skipped = 0;
        Files.createDirectories(dir);
        for (Path p : candidates) {
            if (total >= maxBytes) {
                break;
            }
            long size = Files.size(p);
            if (size == 0 || size > 4 << 20) {
                continue;
            }
            byte[] bytes = Files.readAllBytes(p);
            if (!isText(bytes)) {
                continue;
            }
            if (skipped < skipBytes) {
                skipped += size;
                continue;
            }
            Path copy = dir.resolve(String.format("%05d-%s", files.size(), p.getFileName()));
            Files.write(copy, bytes);
            files.add(copy);
            total += size;
        }
        return new Corpus("text (/usr/share/doc)", files, total);
    }

    /** .java entries of the running JDK's src.zip under java.base/java/, sorted by name, up to {@code maxBytes}. */
    static Corpus java(Path dir, long maxBytes) throws IOException {
        return java(dir, "java.base/java/", maxBytes);
    }

    /** .java entries of the running JDK's src.zip under {@code prefix}, sorted by name, up to {@code maxBytes}. */
    static Corpus java(Path dir, String prefix, long maxBytes) throws IOException {
        Path zip = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        List<Path> files = new ArrayList<>();
        long total = 0;
        Files.createDirectories(dir);
        try (ZipFile z = new ZipFile(zip.toFile())) {
            List<ZipEntry> entries = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (entry.getName().startsWith(prefix) && entry.getName().endsWith(".java")) {
                    entries.add(entry);
                }
            }
            entries.sort(Comparator.comparing(ZipEntry::getName));
            for (ZipEntry entry : entries) {
                if (total >= maxBytes) {
                    break;
                }
                Path copy = dir.resolve(String.format("%05d-%s", files.size(),
                        entry.getName().substring(entry.getName().lastIndexOf('/') + 1)));
                try (InputStream in = z.getInputStream(entry)) {
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                }
                files.add(copy);
                total += Files.size(copy);
            }
        }
        return new Corpus("java (JDK src.zip, " + prefix.substring(0, prefix.indexOf('/')) + ")", files, total);
    }

    /** The quantized all-MiniLM-L6-v2 ONNX file from the langchain4j artifact on the class path. */
    static Corpus model(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path copy = dir.resolve("all-minilm-l6-v2-q.onnx");
        try (InputStream in = Corpora.class.getResourceAsStream("/all-minilm-l6-v2-q.onnx")) {
            if (in == null) {
                throw new IllegalStateException("all-minilm-l6-v2-q.onnx is not on the class path");
            }
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Corpus("model (MiniLM ONNX)", List.of(copy), Files.size(copy));
    }

    private static boolean isText(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
