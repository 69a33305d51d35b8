package io.hartonomous.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.common.testing.TestingPostgres;
import io.hartonomous.common.testing.TestingServiceProcess;
import io.hartonomous.common.testing.TestingTokens;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * atom-service metering through a real billing-service over HTTP, on one database: every new atom
 * is counted once, re-ingestion adds no atoms, a quota stops a job before it passes the limit,
 * and a job waits while billing is down and is metered exactly once when it comes back.
 */
class MeteringIT {

    private static final int TENANT = 4242;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    private final Path root = Path.of(System.getProperty("hartonomous.repo.root", "..")).toAbsolutePath().normalize();

    @Test
    void ingestionIsMeteredOnceAndNeverPassesTheQuota() throws Exception {
        TestingPostgres.Database db = TestingPostgres.freshDatabase("metering");
        final TestingServiceProcess billing = new TestingServiceProcess(root.resolve("billing-service"), "HARTONOMOUS_BILLING_PORT",
                db, Map.of()).start();
        try (TestingServiceProcess atoms = new TestingServiceProcess(root.resolve("atom-service"), "HARTONOMOUS_ATOM_PORT", db,
                Map.of("HARTONOMOUS_BILLING_URL", "http://127.0.0.1:" + billing.port(),
                        "HARTONOMOUS_SERVICE_TOKEN_PRIVATE_KEY", TestingTokens.privateKeyPem(),
                        "HARTONOMOUS_ATOM_INGEST_CHUNK_SIZE", "300",
                        "HARTONOMOUS_ATOM_INGEST_INLINE_BYTES", "0",
                        "HARTONOMOUS_ATOM_INGEST_LEASE", "3s",
                        "HARTONOMOUS_ATOM_INGEST_USAGE_SWEEP", "1s",
                        "HARTONOMOUS_ATOM_METERING_MAX_BACKOFF", "1s",
                        "HARTONOMOUS_ATOM_INGEST_SPOOL_DIR", root.resolve("atom-service/target/it-spool").toString())).start()) {
            byte[] a = text(7, 120_000);
            JsonNode first = ingest(atoms, "a.txt", a, true);
            assertThat(first.path("status").asText()).isEqualTo("Completed");
            long atomsInDb = count(db, "SELECT COUNT(*) FROM dbo.Atom WHERE TenantId = " + TENANT);
            assertThat(total(billing, "atoms_stored")).isEqualTo(atomsInDb).isEqualTo(first.path("atomsCreated").asLong());
            assertThat(total(billing, "bytes_ingested")).isEqualTo(a.length);

            JsonNode again = ingest(atoms, "a-again.txt", a, true);
            assertThat(again.path("atomsCreated").asLong()).isZero();
            assertThat(total(billing, "atoms_stored")).isEqualTo(atomsInDb);
            assertThat(total(billing, "ingest_jobs")).isEqualTo(2);

            // a quota that leaves room for only a few more atoms stops the next big job
            long limit = atomsInDb + 50;
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(billing.uri("/api/v1/admin/tenants/" + TENANT
                            + "/quotas/atoms_stored"))
                    .header("Authorization", "Bearer " + TestingTokens.token(TENANT, "admin"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"limit\":" + limit + "}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            JsonNode big = ingest(atoms, "big.bin", random(11, 400_000), true);
            assertThat(big.path("code").asText()).isEqualTo("quota_exceeded");
            assertThat(jobStatus(db, big.path("jobId").asText())).isEqualTo("QuotaExceeded");
            JsonNode quota = quota(billing);
            assertThat(quota.path("used").asLong()).isLessThanOrEqualTo(limit);
            assertThat(count(db, "SELECT COUNT(*) FROM dbo.Atom WHERE TenantId = " + TENANT + " AND ReferenceCount > 0"))
                    .as("live atoms never pass the quota").isLessThanOrEqualTo(limit);
            http.send(HttpRequest.newBuilder(billing.uri("/api/v1/admin/tenants/" + TENANT + "/quotas/atoms_stored"))
                    .header("Authorization", "Bearer " + TestingTokens.token(TENANT, "admin"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"limit\":100000000}")).build(), HttpResponse.BodyHandlers.ofString());

            // billing goes down: a job waits (it is not metered-free), and completes once billing is back
            long before = total(billing, "atoms_stored");
            billing.kill();
            byte[] c = text(13, 60_000);
            JsonNode waiting = ingest(atoms, "c.txt", c, false);
            String job = waiting.path("jobId").asText();
            Thread.sleep(4000);
            assertThat(jobStatus(db, job)).isIn("Pending", "Processing");
            billing.start(); // same port: atom-service keeps calling the same address
            Instant deadline = Instant.now().plusSeconds(120);
            while (!jobStatus(db, job).equals("Completed") && Instant.now().isBefore(deadline)) {
                Thread.sleep(250);
            }
            assertThat(jobStatus(db, job)).isEqualTo("Completed");
            long created = count(db, "SELECT AtomsCreated FROM dbo.IngestionJob WHERE JobId = '" + job + "'");
            assertThat(created).isPositive();
            Instant usageDeadline = Instant.now().plusSeconds(30);
            while (total(billing, "atoms_stored") < before + created && Instant.now().isBefore(usageDeadline)) {
                Thread.sleep(250);
            }
            assertThat(total(billing, "atoms_stored")).as("metered exactly once").isEqualTo(before + created);

            // a process that died between a job's final commit and its report left usage unreported:
            // the sweep sends it (an event of its own here, so that billing's total shows it)
            long bytesBefore = total(billing, "bytes_ingested");
            execute(db, "UPDATE dbo.IngestionJob SET UnreportedUsage = '[{\"idempotencyKey\":\"" + job
                    + ":sweep-test\",\"meter\":\"bytes_ingested\",\"quantity\":777,\"timestamp\":\"" + Instant.now()
                    + "\",\"tenant\":" + TENANT + "}]', UpdatedAt = UpdatedAt - INTERVAL '1 hour' WHERE JobId = '" + job + "'");
            Instant sweepDeadline = Instant.now().plusSeconds(60);
            while (count(db, "SELECT COUNT(*) FROM dbo.IngestionJob WHERE UnreportedUsage IS NOT NULL AND JobId = '"
                    + job + "'") > 0 && Instant.now().isBefore(sweepDeadline)) {
                Thread.sleep(250);
            }
            assertThat(total(billing, "bytes_ingested")).as("swept usage").isEqualTo(bytesBefore + 777);
        } finally {
            billing.close();
        }
    }

    private JsonNode ingest(TestingServiceProcess atoms, String name, byte[] body, boolean wait) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(atoms.uri("/api/v1/ingest?name=" + name + "&wait=" + wait))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + TestingTokens.token(TENANT, "ingest"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isIn(201, 202, 429);
        return JSON.readTree(r.body());
    }

    private long total(TestingServiceProcess billing, String meter) throws Exception {
        String from = Instant.now().minus(Duration.ofDays(1)).toString();
        String to = Instant.now().plus(Duration.ofHours(1)).toString();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(billing.uri("/api/v1/usage/summary?meter=" + meter
                        + "&window=day&from=" + from + "&to=" + to))
                .header("Authorization", "Bearer " + TestingTokens.token(TENANT, "admin")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("total").asLong();
    }

    private JsonNode quota(TestingServiceProcess billing) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(billing.uri("/api/v1/quotas"))
                .header("Authorization", "Bearer " + TestingTokens.token(TENANT, "admin")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode q : JSON.readTree(r.body())) {
            if (q.path("meter").asText().equals("atoms_stored")) {
                return q;
            }
        }
        throw new AssertionError("no atoms_stored quota in " + r.body());
    }

    private static String jobStatus(TestingPostgres.Database db, String job) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT JobStatus FROM dbo.IngestionJob WHERE JobId = '" + job + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(TestingPostgres.Database db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static long count(TestingPostgres.Database db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static byte[] text(long seed, int size) {
        Random random = new Random(seed);
        StringBuilder out = new StringBuilder();
        while (out.length() < size) {
            int words = 5 + random.nextInt(20);
            for (int i = 0; i < words; i++) {
                out.append(i == 0 ? "" : " ").append(Long.toString(random.nextLong() & 0xffffff, 36));
            }
            out.append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
