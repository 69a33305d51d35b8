package io.hartonomous.cli;

import io.hartonomous.common.testing.TestingPostgres;
import io.hartonomous.common.testing.TestingServiceProcess;
import io.hartonomous.common.testing.TestingTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The atom commands against a real atom-service process over HTTP. */
class AtomCommandsIT {

    private final Path root = Path.of(System.getProperty("hartonomous.repo.root", "..")).toAbsolutePath().normalize();

    /** What one command run printed and returned. */
    record Run(int status, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    @Test
    void ingestListGetStatsAndRemoveThroughTheCli(@TempDir Path dir) throws Exception {
        TestingPostgres.Database db = TestingPostgres.freshDatabase("cli_atoms");
        try (TestingServiceProcess atoms = new TestingServiceProcess(root.resolve("atom-service"), "HARTONOMOUS_ATOM_PORT", db,
                Map.of("HARTONOMOUS_ATOM_METERING_ENABLED", "false",
                        "HARTONOMOUS_ATOM_INGEST_SPOOL_DIR", root.resolve("atom-service/target/it-spool-cli").toString()))
                .start()) {
            Map<String, String> env = Map.of("HARTONOMOUS_ATOM_URL", "http://127.0.0.1:" + atoms.port(),
                    "HARTONOMOUS_TOKEN", TestingTokens.token(77, "ingest", "search"));
            byte[] poem = "Roses are atoms,\nviolets are too;\nevery line a composite,\nrebuilt just for you.\n"
                    .repeat(20).getBytes(StandardCharsets.UTF_8);
            byte[] blob = new byte[150_000];
            new java.util.Random(3).nextBytes(blob);
            Path poemFile = Files.write(dir.resolve("poem.txt"), poem);
            Path blobFile = Files.write(dir.resolve("blob.bin"), blob);
            String poemHash = sha256(poem);
            String blobHash = sha256(blob);

            Run ingest = run(env, "ingest", poemFile.toString(), blobFile.toString());
            assertThat(ingest.status()).as(ingest.err()).isZero();
            assertThat(ingest.text()).contains(poemHash + "  " + poemFile + "  Completed created=")
                    .contains(blobHash + "  " + blobFile + "  Completed created=");
            Run again = run(env, "ingest", poemFile.toString());
            assertThat(again.text()).contains(poemHash).contains("created=0");

            Run ls = run(env, "ls");
            assertThat(ls.status()).isZero();
            String[] lines = ls.text().strip().split("\n");
            assertThat(lines).hasSize(3);
            assertThat(lines[0]).startsWith(poemHash).endsWith("poem.txt");
            // the first two were pinned by one batch job: their order between them is the service's
            assertThat(List.of(lines[1], lines[2])).anySatisfy(l -> assertThat(l).startsWith(poemHash).endsWith("poem.txt"))
                    .anySatisfy(l -> assertThat(l).startsWith(blobHash).contains(" 150000 ").endsWith("blob.bin"));

            assertThat(run(env, "get", blobHash).out()).isEqualTo(blob);
            Path copy = dir.resolve("copy.txt");
            assertThat(run(env, "get", poemHash, "-o", copy.toString()).status()).isZero();
            assertThat(Files.readAllBytes(copy)).isEqualTo(poem);

            Run stats = run(env, "stats");
            assertThat(stats.text()).contains("\"atoms\"").contains("\"byModality\"");

            Run rm = run(env, "rm", poemHash);
            assertThat(rm.text()).contains("unpinned " + poemHash + " (2 pins)");
            Run missing = run(env, "rm", poemHash);
            assertThat(missing.status()).isEqualTo(1);
            assertThat(missing.err()).contains("error 404");
            Run foreign = run(Map.of("HARTONOMOUS_ATOM_URL", env.get("HARTONOMOUS_ATOM_URL"),
                    "HARTONOMOUS_TOKEN", TestingTokens.token(78, "ingest")), "get", blobHash);
            assertThat(foreign.status()).isEqualTo(1);
            assertThat(foreign.out()).isEmpty();
        }
    }

    @Test
    void ingestOfSeveralFilesPinsKnownContentAndUploadsTheNewInOneBatch(@TempDir Path dir) throws Exception {
        TestingPostgres.Database db = TestingPostgres.freshDatabase("cli_atoms_batch");
        try (TestingServiceProcess atoms = new TestingServiceProcess(root.resolve("atom-service"), "HARTONOMOUS_ATOM_PORT", db,
                Map.of("HARTONOMOUS_ATOM_METERING_ENABLED", "false",
                        "HARTONOMOUS_ATOM_INGEST_SPOOL_DIR", root.resolve("atom-service/target/it-spool-cli-batch").toString()))
                .start()) {
            Map<String, String> env = Map.of("HARTONOMOUS_ATOM_URL", "http://127.0.0.1:" + atoms.port(),
                    "HARTONOMOUS_TOKEN", TestingTokens.token(79, "ingest"));
            byte[] old = "Already ingested before the batch.\n".repeat(30).getBytes(StandardCharsets.UTF_8);
            byte[] text = "A new line of text for the batch upload.\n".repeat(40).getBytes(StandardCharsets.UTF_8);
            byte[] binary = new byte[80_000];
            new java.util.Random(11).nextBytes(binary);
            String oldHash = sha256(old);
            String textHash = sha256(text);
            String binaryHash = sha256(binary);
            Path oldFile = Files.write(dir.resolve("old.txt"), old);
            Path textFile = Files.write(dir.resolve("new text.txt"), text);
            Path binaryFile = Files.write(dir.resolve("new.bin"), binary);
            Run first = run(env, "ingest", oldFile.toString());
            assertThat(first.status()).as(first.err()).isZero();

            Run batch = run(env, "ingest", textFile.toString(), oldFile.toString(), binaryFile.toString());

            assertThat(batch.status()).as(batch.err()).isZero();
            String[] lines = batch.text().strip().split("\n");
            assertThat(lines).hasSize(3);
            assertThat(lines[0]).startsWith(textHash + "  " + textFile + "  Completed created=");
            assertThat(lines[1]).isEqualTo(oldHash + "  " + oldFile + "  Completed created=0 reused=1");
            assertThat(lines[2]).startsWith(binaryHash + "  " + binaryFile + "  Completed created=");
            // both uploaded files report the one batch job's counts
            assertThat(lines[0].substring(lines[0].indexOf("created="))).isEqualTo(lines[2].substring(lines[2].indexOf("created=")))
                    .doesNotStartWith("created=0 ");

            Run ls = run(env, "ls");
            assertThat(ls.status()).isZero();
            assertThat(ls.text().strip().split("\n")).hasSize(4)
                    .anySatisfy(l -> assertThat(l).startsWith(textHash).endsWith("  new text.txt"))
                    .anySatisfy(l -> assertThat(l).startsWith(binaryHash).contains(" 80000 ").endsWith("  new.bin"))
                    .filteredOn(l -> l.startsWith(oldHash) && l.endsWith("  old.txt")).hasSize(2);
            assertThat(run(env, "get", binaryHash).out()).isEqualTo(binary);
        }
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new Main());
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        CommandLine.ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        ServiceClient command = (ServiceClient) leaf.commandSpec().userObject();
        command.env = env::get;
        command.out = new PrintStream(out, true);
        command.err = new PrintStream(err, true);
        try {
            int status = command.call();
            return new Run(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
