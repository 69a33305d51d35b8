package io.hartonomous.cli.atom;

import io.hartonomous.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomCommandsTest {

    private static final String HASH = "a".repeat(64);

    @Test
    void ingestStreamsEachFileWithItsNameAndWaits(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes & plans.txt"), "hello");
        AtomCommands.Ingest ingest = parse(AtomCommands.Ingest.class, "ingest", file.toString(), "--url", "http://atoms:1/",
                "--token", "t");

        HttpRequest request = ingest.request();

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri().toString()).isEqualTo("http://atoms:1/api/v1/ingest?name=notes+%26+plans.txt&wait=true");
        assertThat(request.headers().firstValue("Authorization")).contains("Bearer t");
        assertThat(request.bodyPublisher().orElseThrow().contentLength()).isEqualTo(5);
    }

    @Test
    void ingestAsksFirstByTheFilesHashWithoutUploading(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "hello");
        AtomCommands.Ingest ingest = parse(AtomCommands.Ingest.class, "ingest", file.toString(), "--url", "http://atoms:1/",
                "--token", "t");

        HttpRequest request = ingest.knownRequest(file);

        // sha256("hello")
        assertThat(request.uri().toString()).isEqualTo("http://atoms:1/api/v1/ingest/known?sha256="
                + "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824&name=notes.txt");
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.bodyPublisher().orElseThrow().contentLength()).isZero();
        assertThat(request.headers().firstValue("Authorization")).contains("Bearer t");
    }

    @Test
    void batchUploadIsOneTarOfAnnouncedLengthOverHttp11(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.txt"), "hello");
        AtomCommands.Ingest ingest = parse(AtomCommands.Ingest.class, "ingest", file.toString(), file.toString(),
                "--url", "http://atoms:1/", "--token", "t");
        List<TarStream.Entry> entries = List.of(TarStream.Entry.of("a.txt", file));

        HttpRequest request = ingest.batchRequest(entries);

        assertThat(request.uri().toString()).isEqualTo("http://atoms:1/api/v1/ingest/batch?wait=true");
        assertThat(request.headers().firstValue("Content-Type")).contains("application/x-tar");
        assertThat(request.headers().firstValue("Authorization")).contains("Bearer t");
        assertThat(request.version()).contains(java.net.http.HttpClient.Version.HTTP_1_1);
        assertThat(request.bodyPublisher().orElseThrow().contentLength()).isEqualTo(TarStream.length(entries)).isEqualTo(2048);
    }

    @Test
    void urlComesFromHartonomousAtomUrlByDefault() {
        AtomCommands.Ls ls = parse(AtomCommands.Ls.class, "ls", "--page", "2", "--size", "10");
        ls.env = Map.of("HARTONOMOUS_ATOM_URL", "http://elsewhere:2", "HARTONOMOUS_TOKEN", "env-token")::get;
        assertThat(ls.request().uri().toString()).isEqualTo("http://elsewhere:2/api/v1/roots?page=2&size=10");
        ls.env = Map.of("HARTONOMOUS_TOKEN", "x")::get;
        assertThat(ls.request().uri().toString()).isEqualTo("http://localhost:8081/api/v1/roots?page=2&size=10");
    }

    @Test
    void getRmAndStatsAddressTheirResources() {
        AtomCommands.Get get = parse(AtomCommands.Get.class, "get", HASH.toUpperCase(), "-o", "out.bin", "--token", "t");
        AtomCommands.Rm rm = parse(AtomCommands.Rm.class, "rm", HASH, "--token", "t");
        AtomCommands.Stats stats = parse(AtomCommands.Stats.class, "stats", "--token", "t");

        assertThat(get.request().uri().getPath()).isEqualTo("/api/v1/atoms/" + HASH + "/content");
        assertThat(get.output).isEqualTo(Path.of("out.bin"));
        assertThat(rm.request().method()).isEqualTo("DELETE");
        assertThat(rm.request().uri().getPath()).isEqualTo("/api/v1/roots/" + HASH);
        assertThat(stats.request().uri().getPath()).isEqualTo("/api/v1/stats");
    }

    @Test
    void rejectsWhatIsNotAHashOrAFile() {
        AtomCommands.Get get = parse(AtomCommands.Get.class, "get", "not-a-hash", "--token", "t");
        assertThatThrownBy(get::request).hasMessageContaining("SHA-256");
        AtomCommands.Ingest ingest = parse(AtomCommands.Ingest.class, "ingest", "/no/such/file", "--token", "t");
        assertThatThrownBy(ingest::request).hasMessageContaining("no such file");
        assertThatThrownBy(() -> new CommandLine(new Main()).parseArgs("ingest"))
                .isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> new CommandLine(new Main()).parseArgs("ls", "--size", "many"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }

    /** What one run of a command printed and returned. */
    record Run(int status, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    @Test
    void ingestOfSeveralFilesPinsKnownContentByHashAndUploadsTheRestInOneTar(@TempDir Path dir) throws Exception {
        byte[] random = new byte[100_000];
        new Random(1).nextBytes(random);
        Path known = Files.writeString(dir.resolve("known.txt"), "already there");
        Path fresh = Files.writeString(dir.resolve("new.txt"), "new text");
        Path binary = Files.write(dir.resolve("new.bin"), random);
        Path again = Files.writeString(Files.createDirectories(dir.resolve("sub")).resolve("again.txt"), "new text");
        try (TestingAtomService service = new TestingAtomService(Files.createDirectories(dir.resolve("stub")))) {
            service.known.add(sha256("already there"));

            Run run = ingest(service, known, fresh, binary, again);

            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.lines()).containsExactly(
                    sha256("already there") + "  " + known + "  Completed created=0 reused=1",
                    sha256("new text") + "  " + fresh + "  Completed created=7 reused=3",
                    TestingAtomService.sha256(random) + "  " + binary + "  Completed created=7 reused=3",
                    sha256("new text") + "  " + again + "  Completed created=0 reused=1");
            assertThat(service.requests).extracting(TestingAtomService.Received::path).containsExactly(
                    "/api/v1/ingest/known/batch", "/api/v1/ingest/batch", "/api/v1/jobs/" + service.batchJobs.get(0) + "/roots",
                    "/api/v1/ingest/known/batch");
            List<TestingAtomService.Received> asked = service.to("/api/v1/ingest/known/batch");
            assertThat(asked.get(0).contentType()).isEqualTo("application/json");
            assertThat(asked.get(0).json().toString()).isEqualTo("{\"files\":["
                    + "{\"sha256\":\"" + sha256("already there") + "\",\"name\":\"known.txt\"},"
                    + "{\"sha256\":\"" + sha256("new text") + "\",\"name\":\"new.txt\"},"
                    + "{\"sha256\":\"" + TestingAtomService.sha256(random) + "\",\"name\":\"new.bin\"},"
                    + "{\"sha256\":\"" + sha256("new text") + "\",\"name\":\"again.txt\"}]}");
            assertThat(asked.get(1).json().toString()).isEqualTo("{\"files\":["
                    + "{\"sha256\":\"" + sha256("new text") + "\",\"name\":\"again.txt\"}]}");
            // the tar holds exactly the unknown content, once
            assertThat(service.tars).hasSize(1);
            assertThat(TestingTar.list(service.tars.get(0))).containsExactly("new.txt", "new.bin");
            Path extracted = Files.createDirectories(dir.resolve("extracted"));
            TestingTar.extract(service.tars.get(0), extracted);
            assertThat(extracted.resolve("new.txt")).hasSameBinaryContentAs(fresh);
            assertThat(extracted.resolve("new.bin")).hasSameBinaryContentAs(binary);
            assertThat(service.pins).extracting(TestingAtomService.Pin::name)
                    .containsExactlyInAnyOrder("known.txt", "new.txt", "new.bin", "again.txt");
        }
    }

    @Test
    void aSingleFileIsStillAskedForByHashThenUploadedAlone(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("one.txt"), "one");
        try (TestingAtomService service = new TestingAtomService(dir)) {
            Run run = ingest(service, file);

            assertThat(run.status()).isZero();
            assertThat(run.out()).isEqualTo(sha256("one") + "  " + file + "  Completed created=5 reused=0\n");
            assertThat(service.requests).extracting(TestingAtomService.Received::path)
                    .containsExactly("/api/v1/ingest/known", "/api/v1/ingest");
            assertThat(service.requests.get(1).query()).containsEntry("name", "one.txt").containsEntry("wait", "true");
        }
    }

    @Test
    void uploadAlwaysSendsEveryFileInOneTarWithoutAskingByHash(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.txt"), "same");
        Path b = Files.writeString(dir.resolve("b.txt"), "same");
        Path c = Files.writeString(dir.resolve("c.txt"), "known");
        try (TestingAtomService service = new TestingAtomService(dir)) {
            service.known.add(sha256("known"));

            Run run = ingest(service, "--upload-always", a.toString(), b.toString(), c.toString());

            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.lines()).hasSize(3).allMatch(l -> l.endsWith("Completed created=7 reused=3"));
            assertThat(service.to("/api/v1/ingest/known/batch")).isEmpty();
            assertThat(TestingTar.list(service.tars.get(0))).containsExactly("a.txt", "b.txt", "c.txt");
        }
    }

    @Test
    void asksByHashForAtMost10000FilesPerRequest(@TempDir Path dir) throws Exception {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            args.add(Files.writeString(dir.resolve("f" + i), "content " + (i % 3)).toString());
        }
        try (TestingAtomService service = new TestingAtomService(dir)) {
            for (int i = 0; i < 3; i++) {
                service.known.add(sha256("content " + i));
            }

            Run run = ingest(service, args.toArray(String[]::new));

            assertThat(run.status()).isZero();
            assertThat(run.lines()).hasSize(10_001);
            List<TestingAtomService.Received> asked = service.to("/api/v1/ingest/known/batch");
            assertThat(asked).hasSize(2);
            assertThat(asked.get(0).json().path("files").size()).isEqualTo(10_000);
            assertThat(asked.get(1).json().path("files").get(0).path("name").asText()).isEqualTo("f10000");
            assertThat(service.tars).isEmpty();
        }
    }

    @Test
    void aFailedBatchUploadIsReportedForEachOfItsFilesAndExits1(@TempDir Path dir) throws Exception {
        Path known = Files.writeString(dir.resolve("known.txt"), "k");
        Path fresh = Files.writeString(dir.resolve("new.txt"), "n");
        Path copy = Files.writeString(dir.resolve("copy.txt"), "n");
        try (TestingAtomService service = new TestingAtomService(dir)) {
            service.known.add(sha256("k"));
            service.batchFailure = 429;
            service.batchDetail = "The tenant's atom quota is exhausted.";

            Run run = ingest(service, known, fresh, copy);

            assertThat(run.status()).isEqualTo(1);
            assertThat(run.lines()).containsExactly(sha256("k") + "  " + known + "  Completed created=0 reused=1");
            assertThat(run.err()).isEqualTo(fresh + ": error 429: The tenant's atom quota is exhausted.\n"
                    + copy + ": error 429: The tenant's atom quota is exhausted.\n");
            assertThat(service.to("/api/v1/ingest/known/batch")).hasSize(1);
        }
    }

    @Test
    void aRejectedRequestByHashFailsItsFilesWithoutUploading(@TempDir Path dir) throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.txt"), "ok");
        Path odd = Files.writeString(dir.resolve("tab\there.txt"), "odd");
        try (TestingAtomService service = new TestingAtomService(dir)) {
            Run run = ingest(service, ok, odd);

            assertThat(run.status()).isEqualTo(1);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).contains(ok + ": error 400: The name contains control characters.")
                    .contains(odd + ": error 400: The name contains control characters.");
            assertThat(service.tars).isEmpty();
        }
    }

    @Test
    void aBatchStillRunningIsAwaitedBeforeTheOtherNamesArePinned(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.txt"), "x");
        Path b = Files.writeString(dir.resolve("b.txt"), "x");
        try (TestingAtomService service = new TestingAtomService(dir)) {
            service.batchStillRunning = true;

            Run run = ingest(service, a, b);

            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.lines()).containsExactly(sha256("x") + "  " + a + "  Completed created=7 reused=3",
                    sha256("x") + "  " + b + "  Completed created=0 reused=1");
            assertThat(service.requests).extracting(TestingAtomService.Received::path).containsExactly(
                    "/api/v1/ingest/known/batch", "/api/v1/ingest/batch", "/api/v1/jobs/" + service.batchJobs.get(0),
                    "/api/v1/jobs/" + service.batchJobs.get(0) + "/roots", "/api/v1/ingest/known/batch");
        }
    }

    @Test
    void anEmptyFileIsUploadedAloneForTheBatchSkipsIt(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        Path full = Files.writeString(dir.resolve("full.txt"), "full");
        try (TestingAtomService service = new TestingAtomService(dir)) {
            Run run = ingest(service, empty, full);

            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err()).isEqualTo(empty + ": error 400: The upload is empty: there is nothing to atomize.\n");
            assertThat(run.lines()).containsExactly(sha256("full") + "  " + full + "  Completed created=7 reused=3");
            assertThat(service.to("/api/v1/ingest").get(0).query()).containsEntry("name", "empty.txt");
            assertThat(TestingTar.list(service.tars.get(0))).containsExactly("full.txt");
        }
    }

    @Test
    void imagesAndModelsAreUploadedAloneForTheirRasterAndModelRows(@TempDir Path dir) throws Exception {
        // a PNG known by its first bytes only (no extension), a model by its extension
        Path picture = Files.write(dir.resolve("picture"), new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0});
        Path model = Files.writeString(dir.resolve("tiny.gguf"), "not really a model");
        Path text = Files.writeString(dir.resolve("notes.txt"), "notes");
        try (TestingAtomService service = new TestingAtomService(dir)) {
            Run run = ingest(service, picture, model, text);

            assertThat(service.to("/api/v1/ingest")).extracting(r -> r.query().get("name"))
                    .containsExactly("picture", "tiny.gguf");
            assertThat(TestingTar.list(service.tars.get(0))).containsExactly("notes.txt");
            assertThat(run.lines()).hasSize(3);
        }
    }

    @Test
    void aFileChangingSizeAfterItWasHashedFailsTheUploadClearly(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.txt"), "a");
        Path b = Files.writeString(dir.resolve("b.txt"), "b");
        try (TestingAtomService service = new TestingAtomService(dir)) {
            service.onKnownBatch = () -> {
                try {
                    Files.writeString(b, "grown since it was hashed");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };

            Run run = ingest(service, a, b);

            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err().lines()).hasSize(2).allMatch(l -> l.contains(": error: the batch upload failed: " + b
                    + " changed size while it was read into a tar archive"));
            assertThat(service.pins).isEmpty();
        }
    }

    private static Run ingest(TestingAtomService service, Path... files) {
        return ingest(service, java.util.Arrays.stream(files).map(Path::toString).toArray(String[]::new));
    }

    private static Run ingest(TestingAtomService service, String... args) {
        List<String> all = new ArrayList<>(List.of("ingest", "--url", service.url(), "--token", TestingAtomService.TOKEN));
        all.addAll(List.of(args));
        AtomCommands.Ingest ingest = parse(AtomCommands.Ingest.class, all.toArray(String[]::new));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ingest.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        ingest.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        try {
            int status = ingest.call();
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String sha256(String text) {
        return TestingAtomService.sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static <T> T parse(Class<T> type, String... args) {
        CommandLine.ParseResult result = new CommandLine(new Main()).parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return type.cast(result.commandSpec().userObject());
    }
}
