package io.hartonomous.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A packaged service ({@code <module>/target/quarkus-app/quarkus-run.jar}) started as a child
 * process on a free port against a database of an embedded PostgreSQL, for benchmarks.
 */
final class ServiceUnderTest implements AutoCloseable {

    final int port;
    final Path log;
    private final Process process;

    private ServiceUnderTest(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** A fresh database {@code name} on {@code pg}. */
    static void createDatabase(EmbeddedPostgres pg, String name) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }

    /**
     * Starts {@code module}'s packaged jar with the database settings, {@code portVariable} set to a
     * free port, and {@code extra} environment; waits until it is ready (90 s at most).
     */
    static ServiceUnderTest start(String module, String portVariable, EmbeddedPostgres pg, String database,
                                  String publicKeyPem, Map<String, String> extra, List<String> jvmOptions,
                                  String command) throws Exception {
        Path jar = root().resolve(module + "/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no " + jar + ": run " + command);
        }
        int port = freePort();
        Path log = Files.createTempFile(module + "-bench", ".log");
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("HARTONOMOUS_DB_HOST", "localhost");
        env.put("HARTONOMOUS_DB_PORT", Integer.toString(pg.getPort()));
        env.put("HARTONOMOUS_DB_NAME", database);
        env.put("HARTONOMOUS_DB_USER", "postgres");
        env.put("HARTONOMOUS_DB_PASSWORD", "postgres");
        env.put("MP_JWT_VERIFY_PUBLICKEY", publicKeyPem);
        env.put(portVariable, Integer.toString(port));
        env.putAll(extra);
        ServiceUnderTest service = new ServiceUnderTest(port, log, pb.start());
        try {
            service.awaitReady(module);
        } catch (Exception | Error e) {
            service.close(); // a service that never got ready must not outlive the bench
            throw e;
        }
        return service;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://localhost:" + port + pathAndQuery);
    }

    private void awaitReady(String module) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited:\n" + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(module + " not ready in 90 s; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** The repository checkout: {@code -Dbench.root}, or the nearest parent holding the reactor. */
    static Path root() {
        String configured = System.getProperty("bench.root");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("atom-service/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from the repository checkout or set -Dbench.root");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
