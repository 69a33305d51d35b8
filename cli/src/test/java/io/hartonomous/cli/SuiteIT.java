package io.hartonomous.cli;

import io.hartonomous.cli.launcher.ServiceSpec;
import io.hartonomous.cli.launcher.SuiteState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.security.MessageDigest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: the packaged cli starts the embedded PostgreSQL and the five packaged services
 * (real processes, real HTTP), on free ports, against one database. Checks readiness, that one
 * token is accepted by all five, that the five concurrent starts migrated the schema once,
 * that data survives a killed supervisor, and that {@code down} leaves no process behind.
 */
class SuiteIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path root = Path.of(System.getProperty("hartonomous.repo.root", "..")).toAbsolutePath().normalize();
    private final Path cliJar = root.resolve("cli/target/hartonomous-cli.jar");
    private final String java = ProcessHandle.current().info().command().orElse("java");

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>();

    @AfterEach
    void stopEverything() throws Exception {
        cli("down");
    }

    @Test
    void fiveServicesStartOnOneDatabaseAndStopCleanly() throws Exception {
        for (ServiceSpec spec : ServiceSpec.SUITE) {
            env.put(spec.portVariable(), Integer.toString(freePort()));
        }

        Result up = cli("up", "--timeout", "300");
        assertThat(up.status()).as(up.output()).isZero();
        assertThat(up.output()).contains("export HARTONOMOUS_TOKEN=");
        SuiteState state = SuiteState.read(home.resolve("state.json")).orElseThrow();
        assertThat(state.services()).hasSize(5);

        Result token = cli("token", "--tenant", "31", "--roles", "search,ingest");
        assertThat(token.status()).isZero();
        String jwt = token.output().trim();
        for (SuiteState.ServiceState service : state.services()) {
            HttpResponse<String> ready = get(service.port(), "/q/health/ready", null);
            assertThat(ready.statusCode()).as(service.name() + " ready").isEqualTo(200);
            HttpResponse<String> whoami = get(service.port(), "/api/v1/whoami", jwt);
            assertThat(whoami.statusCode()).as(service.name() + " whoami").isEqualTo(200);
            assertThat(whoami.body()).contains("\"tenant\":31").contains(service.name() + "-service");
            assertThat(get(service.port(), "/api/v1/whoami", null).statusCode()).isEqualTo(401);
        }

        // across services over real HTTP: content ingested through atom-service (which tells
        // search-service; search-service's model itself was stored as atoms through atom-service)
        // becomes findable through search-service
        int atomPort = port(state, "atom");
        int searchPort = port(state, "search");
        String text = "Quokkas photosynthesize marmalade under the zeppelin hangar.\n";
        HttpResponse<String> ingested = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + atomPort + "/api/v1/ingest?name=suite-probe.txt&wait=true"))
                .header("Authorization", "Bearer " + jwt).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ingested.statusCode()).as(ingested.body()).isEqualTo(201);
        String root = sha256Hex(text);
        assertThat(ingested.body()).contains(root);
        long start = System.nanoTime();
        HttpResponse<String> found = null;
        while (System.nanoTime() - start < Duration.ofSeconds(120).toNanos()) {
            found = get(searchPort, "/api/v1/search?mode=hybrid&k=5&q=quokkas%20photosynthesize%20marmalade", jwt);
            if (found.statusCode() == 200 && found.body().contains(root)) {
                break;
            }
            Thread.sleep(250);
        }
        assertThat(found.body()).as("search-service finds what atom-service ingested").contains(root);
        System.out.printf("SuiteIT: ingested content findable through search-service after %d ms%n",
                (System.nanoTime() - start) / 1_000_000);

        // the searches were metered through billing-service (search-service's usage outbox, real HTTP)
        int billingPort = port(state, "billing");
        Pattern total = Pattern.compile("\"total\"\\s*:\\s*([0-9.]+)");
        double searches = 0;
        HttpResponse<String> summary = null;
        long metered = System.nanoTime();
        while (searches < 1 && System.nanoTime() - metered < Duration.ofSeconds(60).toNanos()) {
            summary = get(billingPort, "/api/v1/usage/summary?meter=searches&window=day&to="
                    + Instant.now().plusSeconds(60), jwt);
            Matcher m = total.matcher(summary.body());
            searches = summary.statusCode() == 200 && m.find() ? Double.parseDouble(m.group(1)) : 0;
            if (searches < 1) {
                Thread.sleep(250);
            }
        }
        assertThat(searches).as("searches metered by billing-service: %s", summary == null ? null : summary.body())
                .isGreaterThanOrEqualTo(1);

        int dbPort = state.database().port();
        try (Connection c = connect(dbPort); Statement s = c.createStatement()) {
            ResultSet history = s.executeQuery(
                    "SELECT version, COUNT(*), bool_and(success) FROM flyway_schema_history "
                            + "WHERE version IS NOT NULL GROUP BY version");
            int versions = 0;
            while (history.next()) {
                versions++;
                assertThat(history.getInt(2)).as("migration " + history.getString(1) + " applied once").isEqualTo(1);
                assertThat(history.getBoolean(3)).isTrue();
            }
            assertThat(versions).isPositive();
            s.execute("INSERT INTO dbo.LearningMetrics (TenantId, AnalysisType, ObservationsJson, AnomaliesDetected) "
                    + "VALUES (31, 'persistence-probe', '{}', 0)");
        }

        // kill -9 the supervisor: its children are orphaned; the next up must clean them up
        ProcessHandle.of(state.supervisorPid()).orElseThrow().destroyForcibly();
        Thread.sleep(500);
        Result again = cli("up", "--timeout", "300");
        assertThat(again.status()).as(again.output()).isZero();
        SuiteState second = SuiteState.read(home.resolve("state.json")).orElseThrow();
        for (SuiteState.ServiceState old : state.services()) {
            assertThat(ProcessHandle.of(old.pid()).map(ProcessHandle::isAlive).orElse(false))
                    .as("leftover " + old.name()).isFalse();
        }
        try (Connection c = connect(second.database().port()); Statement s = c.createStatement()) {
            ResultSet probe = s.executeQuery("SELECT COUNT(*) FROM dbo.LearningMetrics WHERE AnalysisType = 'persistence-probe'");
            probe.next();
            assertThat(probe.getInt(1)).as("row written before the kill").isEqualTo(1);
        }

        Result down = cli("down");
        assertThat(down.status()).isZero();
        List<Long> pids = new ArrayList<>();
        pids.add(second.supervisorPid());
        pids.add(second.database().pid());
        second.services().forEach(s -> pids.add(s.pid()));
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid + " alive").isFalse();
        }
        assertThat(home.resolve("state.json")).doesNotExist();
        assertThat(cli("status").status()).isEqualTo(3);
    }

    private static int port(SuiteState state, String service) {
        return state.services().stream().filter(s -> s.name().equals(service)).findFirst().orElseThrow().port();
    }

    private static String sha256Hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private Connection connect(int port) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/hartonomous", "postgres", "postgres");
    }

    private HttpResponse<String> get(int port, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    record Result(int status, String output) {
    }

    private Result cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java, "-jar", cliJar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("HARTONOMOUS_HOME", home.toString());
        builder.environment().put("HARTONOMOUS_ROOT", root.toString());
        builder.environment().remove("HARTONOMOUS_DB_HOST");
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(6, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), output);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
