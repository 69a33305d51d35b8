package io.hartonomous.cli.atom;

import io.hartonomous.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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

    private static <T> T parse(Class<T> type, String... args) {
        CommandLine.ParseResult result = new CommandLine(new Main()).parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return type.cast(result.commandSpec().userObject());
    }
}
