package io.hartonomous.bench;

import io.hartonomous.common.auth.JwtSigner;
import io.hartonomous.common.auth.PemKeys;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sustained accepted usage events per second through {@code POST /api/v1/usage/batch} (1,000-event
 * batches, N concurrent clients, all new keys) and the latency of a quota reservation, measured
 * against the packaged billing-service on an embedded PostgreSQL, over real HTTP.
 *
 * <p>Settings (system properties): {@code bench.clients} (8), {@code bench.seconds} (30),
 * {@code bench.warmupSeconds} (10), {@code bench.reservations} (2000),
 * {@code bench.reservationClients} (4), {@code bench.root} (the repository checkout).
 */
public final class BillingBench {

    static final String COMMAND = "./mvnw -B -q -pl common,billing-service,bench -am install -DskipTests"
            + " && ./mvnw -B -q -pl bench exec:java";
    private static final Pattern ACCEPTED = Pattern.compile("\"accepted\":(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        new BillingBench().run();
        System.exit(0);
    }

    void run() throws Exception {
        int clients = Integer.getInteger("bench.clients", 8);
        int seconds = Integer.getInteger("bench.seconds", 30);
        int warmup = Integer.getInteger("bench.warmupSeconds", 10);
        int reservations = Integer.getInteger("bench.reservations", 2000);
        int reservationClients = Integer.getInteger("bench.reservationClients", 4);
        Path jar = root().resolve("billing-service/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no " + jar + ": run " + COMMAND);
        }
        KeyPair keys = PemKeys.generateRsa();
        String token = new JwtSigner(keys.getPrivate(), "hartonomous").sign(7, "bench", List.of("ingest"), Duration.ofHours(4));
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE bench");
            }
            int port = freePort();
            Path log = Files.createTempFile("billing-bench", ".log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.put("HARTONOMOUS_DB_HOST", "localhost");
            env.put("HARTONOMOUS_DB_PORT", Integer.toString(pg.getPort()));
            env.put("HARTONOMOUS_DB_NAME", "bench");
            env.put("HARTONOMOUS_DB_USER", "postgres");
            env.put("HARTONOMOUS_DB_PASSWORD", "postgres");
            env.put("MP_JWT_VERIFY_PUBLICKEY", PemKeys.toPem(keys.getPublic()));
            env.put("HARTONOMOUS_BILLING_PORT", Integer.toString(port));
            env.put("QUARKUS_LOG_LEVEL", "WARN");
            Process service = pb.start();
            try {
                awaitReady(port, service, log);
                String base = "http://localhost:" + port;
                AtomicLong keySeq = new AtomicLong();
                System.out.printf("billing-service up on %d; warming up %d s with %d clients%n", port, warmup, clients);
                ingest(base, token, clients, warmup, keySeq);
                Result result = ingest(base, token, clients, seconds, keySeq);
                double perSecond = result.accepted / (result.nanos / 1e9);
                reserve(base, token, reservationClients, Math.min(200, reservations));
                long[] latencies = reserve(base, token, reservationClients, reservations);
                Arrays.sort(latencies);
                System.out.println();
                System.out.println("== BillingBench (" + Runtime.getRuntime().availableProcessors() + " cores, embedded PostgreSQL, REST over loopback)");
                System.out.printf("usage batch: %,d accepted events in %.1f s with %d clients x 1000-event batches = %,.0f events/s"
                                + " (batch p50 %.1f ms, p99 %.1f ms)%n",
                        result.accepted, result.nanos / 1e9, clients, perSecond,
                        percentile(result.batchLatencies, 50) / 1e6, percentile(result.batchLatencies, 99) / 1e6);
                System.out.printf("reservation: %d reservations with %d clients: p50 %.2f ms, p99 %.2f ms%n",
                        latencies.length, reservationClients, percentile(latencies, 50) / 1e6, percentile(latencies, 99) / 1e6);
                System.out.println("reproduce:   " + Reproduce.command(COMMAND) + "  (defaults: -Dbench.clients=8 -Dbench.seconds=30)");
            } finally {
                service.destroy();
                service.waitFor();
            }
        }
    }

    record Result(long accepted, long nanos, long[] batchLatencies) {
    }

    private Result ingest(String base, String token, int clients, int seconds, AtomicLong keySeq) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong accepted = new AtomicLong();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    String body = batch(keySeq.getAndAdd(1000));
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/usage/batch"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    latencies.add(System.nanoTime() - t0);
                    Matcher m = ACCEPTED.matcher(r.body());
                    if (r.statusCode() != 200 || !m.find()) {
                        throw new IllegalStateException("batch failed: " + r.statusCode() + " " + r.body());
                    }
                    accepted.addAndGet(Long.parseLong(m.group(1)));
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        long nanos = System.nanoTime() - start;
        pool.shutdown();
        return new Result(accepted.get(), nanos, latencies.stream().mapToLong(Long::longValue).sorted().toArray());
    }

    private long[] reserve(String base, String token, int clients, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long[] latencies = new long[count];
        AtomicLong next = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                int i;
                while ((i = (int) next.getAndIncrement()) < count) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/quotas/ingest_jobs/reservations"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":1}")).build(), HttpResponse.BodyHandlers.ofString());
                    latencies[i] = System.nanoTime() - t0;
                    if (r.statusCode() != 201) {
                        throw new IllegalStateException("reservation failed: " + r.statusCode() + " " + r.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return latencies;
    }

    private static String batch(long firstKey) {
        Instant at = Instant.now().minusSeconds(1);
        StringBuilder out = new StringBuilder(110_000).append('[');
        for (long k = firstKey; k < firstKey + 1000; k++) {
            out.append(k == firstKey ? "" : ",").append("{\"idempotencyKey\":\"bench-").append(k)
                    .append("\",\"meter\":\"bytes_ingested\",\"quantity\":").append(k % 4096 + 1)
                    .append(",\"timestamp\":\"").append(at.minusMillis(k % 60_000)).append("\"}");
        }
        return out.append(']').toString();
    }

    static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private void awaitReady(int port, Process service, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("billing-service exited:\n" + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("billing-service not ready in 90 s; see " + log);
    }

    private static Path root() {
        String configured = System.getProperty("bench.root");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("billing-service/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from the repository checkout or set -Dbench.root");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
