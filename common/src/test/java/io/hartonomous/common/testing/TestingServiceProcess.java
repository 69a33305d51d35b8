package io.hartonomous.common.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A packaged service ({@code target/quarkus-app/quarkus-run.jar}) run as a real child process
 * against a {@link TestingPostgres} database, trusting {@link TestingTokens}: for tests that kill
 * and restart services or need several processes talking over HTTP.
 */
public final class TestingServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path jar;
    private final Map<String, String> env;
    private final int port;
    private final Path log;
    private Process process;

    /**
     * @param moduleDir the service's module directory (the test's working directory for its own module)
     * @param portVariable e.g. HARTONOMOUS_ATOM_PORT
     * @param extraEnv more settings (e.g. HARTONOMOUS_ATOM_INGEST_CHUNK_SIZE)
     */
    public TestingServiceProcess(Path moduleDir, String portVariable, TestingPostgres.Database db, Map<String, String> extraEnv)
            throws IOException {
        this.jar = moduleDir.resolve("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after package");
        }
        this.port = freePort();
        this.log = Files.createTempFile(moduleDir.resolve("target"), "service-", ".log");
        this.env = new HashMap<>(extraEnv);
        env.put("HARTONOMOUS_DB_KIND", "postgresql");
        env.put("HARTONOMOUS_DB_HOST", db.host());
        env.put("HARTONOMOUS_DB_PORT", Integer.toString(db.port()));
        env.put("HARTONOMOUS_DB_NAME", db.name());
        env.put("HARTONOMOUS_DB_USER", db.user());
        env.put("HARTONOMOUS_DB_PASSWORD", db.password());
        env.put("MP_JWT_VERIFY_PUBLICKEY", TestingTokens.publicKeyPem());
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put(portVariable, Integer.toString(port));
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public Path log() {
        return log;
    }

    /** Starts the process and waits until it is ready. */
    public TestingServiceProcess start() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        process = builder.start();
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited with " + process.exitValue() + "; log: "
                        + Files.readString(log));
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(uri("/q/health/ready")).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("service not ready in 90 s; log: " + Files.readString(log));
    }

    /** kill -9: no shutdown hook, no cleanup. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
