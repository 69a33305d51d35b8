package io.hartonomous.billing;

import io.hartonomous.common.testing.TestingPostgres;
import io.hartonomous.common.testing.TestingTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly once under concurrency and a restart: 20 clients send 50,000 events (20% resent keys,
 * interleaved across clients) to the packaged service, which is killed once midway and started
 * again; clients retry a batch until they get an answer. The summaries then equal exactly the sums
 * over the distinct keys: nothing lost, nothing counted twice.
 */
class BillingRestartIT {

    private static final int CLIENTS = 20;
    private static final int DISTINCT = 40_000;
    private static final int RESENT = 10_000;
    private static final int BATCH = 250;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Process service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.destroyForcibly();
        }
    }

    @Test
    void countsEveryDistinctEventExactlyOnceAcrossARestart() throws Exception {
        TestingPostgres.Database db = TestingPostgres.freshDatabase("billing_restart");
        int port = freePort();
        int tenant = 4242;
        String token = TestingTokens.token(tenant, "ingest");
        service = start(db, port, 1);

        Instant at = Instant.now().minus(Duration.ofHours(1));
        List<Integer> stream = new ArrayList<>(DISTINCT + RESENT);
        for (int i = 0; i < DISTINCT; i++) {
            stream.add(i);
        }
        Random random = new Random(42);
        for (int i = 0; i < RESENT; i++) {
            stream.add(random.nextInt(DISTINCT));
        }
        Collections.shuffle(stream, random);
        long expectedBytes = 0;
        long expectedSearches = 0;
        for (int i = 0; i < DISTINCT; i++) {
            if (i % 2 == 0) {
                expectedBytes += quantity(i);
            } else {
                expectedSearches++;
            }
        }
        List<List<String>> perClient = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            perClient.add(new ArrayList<>());
        }
        int totalBatches = 0;
        for (int from = 0, n = 0; from < stream.size(); from += BATCH, n++) {
            perClient.get(n % CLIENTS).add(batch(stream.subList(from, Math.min(stream.size(), from + BATCH)), at));
            totalBatches++;
        }

        AtomicInteger done = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
        int restartAfter = totalBatches * 2 / 5;
        Future<?> restarter = pool.submit(() -> {
            while (done.get() < restartAfter) {
                Thread.sleep(5);
            }
            service.destroy(); // SIGTERM while batches are in flight
            service.waitFor();
            service = start(db, port, 2);
            return null;
        });
        List<Future<?>> clients = new ArrayList<>();
        for (List<String> batches : perClient) {
            clients.add(pool.submit(() -> {
                for (String body : batches) {
                    while (!send(port, token, body)) {
                        retries.incrementAndGet();
                        Thread.sleep(100);
                    }
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : clients) {
            f.get();
        }
        restarter.get();
        pool.shutdown();

        assertThat(retries.get()).as("the restart interrupted some batches").isPositive();
        assertThat(total(port, token, "bytes_ingested")).isEqualTo(expectedBytes);
        assertThat(total(port, token, "searches")).isEqualTo(expectedSearches);
        System.out.printf("BillingRestartIT: %d batches, %d retried, bytes %d, searches %d%n", totalBatches,
                retries.get(), expectedBytes, expectedSearches);
    }

    private static long quantity(int key) {
        return key % 97 + 1;
    }

    private static String batch(List<Integer> keys, Instant at) {
        StringBuilder out = new StringBuilder("[");
        for (int key : keys) {
            out.append(out.length() == 1 ? "" : ",").append("{\"idempotencyKey\":\"k-").append(key)
                    .append("\",\"meter\":\"").append(key % 2 == 0 ? "bytes_ingested" : "searches")
                    .append("\",\"quantity\":").append(quantity(key))
                    .append(",\"timestamp\":\"").append(at.plusMillis(key)).append("\"}");
        }
        return out.append(']').toString();
    }

    private boolean send(int port, String token, String body) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/usage/batch"))
                    .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                assertThat(r.body()).doesNotContain("\"rejected\",");
                return true;
            }
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private long total(int port, String token, String meter) throws Exception {
        String url = "http://localhost:" + port + "/api/v1/usage/summary?window=day&meter=" + meter + "&from="
                + Instant.now().minus(Duration.ofDays(2)) + "&to=" + Instant.now().plus(Duration.ofHours(1));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Matcher m = Pattern.compile("\"total\":(\\d+)").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private Process start(TestingPostgres.Database db, int port, int run) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertThat(jar).as("package the service first (mvn verify does)").exists();
        Path log = Path.of("target", "billing-restart-" + run + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("HARTONOMOUS_DB_KIND", "postgresql");
        env.put("HARTONOMOUS_DB_HOST", db.host());
        env.put("HARTONOMOUS_DB_PORT", Integer.toString(db.port()));
        env.put("HARTONOMOUS_DB_NAME", db.name());
        env.put("HARTONOMOUS_DB_USER", db.user());
        env.put("HARTONOMOUS_DB_PASSWORD", db.password());
        env.put("MP_JWT_VERIFY_PUBLICKEY", TestingTokens.publicKeyPem());
        env.put("HARTONOMOUS_BILLING_PORT", Integer.toString(port));
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("billing-service exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new AssertionError("billing-service not ready in 60 s; log " + log.toAbsolutePath() + File.separator);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
