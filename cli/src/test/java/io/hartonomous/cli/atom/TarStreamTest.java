package io.hartonomous.cli.atom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TarStreamTest {

    private static final String LONG_NAME = "a-name-longer-than-the-hundred-bytes-a-ustar-header-holds/"
            + "so-it-travels-in-a-pax-extended-header-" + "x".repeat(40) + ".txt";
    private static final String UNICODE_NAME = "résumé-データ-Ωμέγα.txt";

    @Test
    void gnuTarExtractsEveryFileByteForByte(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        byte[] binary = new byte[1 << 20];
        new Random(7).nextBytes(binary);
        List<TarStream.Entry> entries = new ArrayList<>();
        entries.add(entry(in, "short.txt", "hello, tar\n".getBytes(StandardCharsets.UTF_8)));
        entries.add(entry(in, LONG_NAME, "in a pax header\n".repeat(100).getBytes(StandardCharsets.UTF_8)));
        entries.add(entry(in, UNICODE_NAME, "non-ASCII name\n".getBytes(StandardCharsets.UTF_8)));
        entries.add(entry(in, "empty", new byte[0]));
        entries.add(entry(in, "dir/binary.bin", binary));
        entries.add(entry(in, "exactly-one-block", new byte[TarStream.BLOCK]));

        Path archive = dir.resolve("out.tar");
        try (InputStream tar = new TarStream(entries)) {
            Files.copy(tar, archive);
        }

        assertThat(Files.size(archive)).isEqualTo(TarStream.length(entries)).isEqualTo(Files.size(archive) / 512 * 512);
        assertThat(TestingTar.list(archive)).containsExactly("short.txt", LONG_NAME, UNICODE_NAME, "empty", "dir/binary.bin",
                "exactly-one-block");
        Path out = Files.createDirectories(dir.resolve("out"));
        TestingTar.extract(archive, out);
        for (TarStream.Entry e : entries) {
            assertThat(out.resolve(e.name())).as(e.name()).hasSameBinaryContentAs(e.file());
        }
    }

    @Test
    void anEmptyListIsTheEndOfArchiveAlone() throws Exception {
        try (InputStream tar = new TarStream(List.of())) {
            assertThat(tar.readAllBytes()).hasSize(1024).containsOnly(0);
        }
    }

    @Test
    void readsAFileOnlyWhenItsEntryIsReached(@TempDir Path dir) throws Exception {
        Path first = Files.writeString(dir.resolve("first"), "1");
        Path later = Files.writeString(dir.resolve("later"), "22");
        TarStream tar = new TarStream(List.of(TarStream.Entry.of("first", first), TarStream.Entry.of("later", later)));

        assertThat(tar.readNBytes(2 * TarStream.BLOCK)).hasSize(2 * TarStream.BLOCK);
        // written after the archive was begun: what is read is what the file holds when its entry comes
        Files.writeString(later, "ab");
        byte[] rest = tar.readAllBytes();

        assertThat(new String(rest, TarStream.BLOCK, 2, StandardCharsets.US_ASCII)).isEqualTo("ab");
    }

    @Test
    void failsWhenAFileIsShorterOrLongerThanListed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "12345");

        assertThatThrownBy(() -> new TarStream(List.of(new TarStream.Entry("f.txt", file, 6))).readAllBytes())
                .isInstanceOf(IOException.class).hasMessageContaining(file.toString()).hasMessageContaining("changed size");

        TarStream grows = new TarStream(List.of(new TarStream.Entry("f.txt", file, 5)));
        grows.readNBytes(TarStream.BLOCK + 2);
        Files.writeString(file, "1234567890");
        assertThatThrownBy(grows::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("changed size");
        grows.close();

        TarStream shrinks = new TarStream(List.of(new TarStream.Entry("f.txt", file, 10)));
        shrinks.readNBytes(TarStream.BLOCK + 2);
        Files.writeString(file, "123");
        assertThatThrownBy(shrinks::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("changed size");
        shrinks.close();
    }

    @Test
    void sizesOf8GibAndMoreTravelInAPaxHeader(@TempDir Path dir) throws Exception {
        long huge = TarStream.USTAR_MAX_SIZE + 1;
        byte[] headers = TarStream.headers("huge.bin", huge, 0);

        assertThat(headers).hasSize(3 * TarStream.BLOCK);
        assertThat(new String(headers, TarStream.BLOCK, TarStream.BLOCK, StandardCharsets.UTF_8))
                .startsWith("19 size=8589934592\n");
        assertThat(TarStream.headers("big.bin", TarStream.USTAR_MAX_SIZE, 0)).hasSize(TarStream.BLOCK);
        // GNU tar lists the entry with its real size (the data is missing, so tar then stops with an error)
        Path archive = Files.write(dir.resolve("headers-only.tar"), headers);
        Process p = new ProcessBuilder("tar", "-tvf", archive.toString()).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertThat(listing).contains("8589934592").contains("huge.bin");
    }

    @Test
    void paxRecordLengthsCountTheirOwnDigits() {
        for (int n = 1; n < 300; n++) {
            String name = "n".repeat(n) + "é";
            String record = new String(TarStream.paxRecords(name, 1), StandardCharsets.UTF_8);
            int declared = Integer.parseInt(record.substring(0, record.indexOf(' ')));
            assertThat(record.getBytes(StandardCharsets.UTF_8)).as(name).hasSize(declared);
            assertThat(record).endsWith("path=" + name + "\n");
        }
        assertThat(TarStream.paxRecords("plain.txt", 1)).isEmpty();
    }

    private static TarStream.Entry entry(Path dir, String name, byte[] content) throws IOException {
        Path file = dir.resolve("src-" + Integer.toHexString(name.hashCode()));
        Files.write(file, content);
        return TarStream.Entry.of(name, file);
    }
}
