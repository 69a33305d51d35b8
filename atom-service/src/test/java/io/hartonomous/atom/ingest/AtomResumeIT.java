package io.hartonomous.atom.ingest;

import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingPostgres;
import io.hartonomous.common.testing.TestingServiceProcess;
import io.hartonomous.common.testing.TestingTokens;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the atom-service in the middle of a job: the restarted service resumes the job by
 * itself and ends with exactly the atoms, compositions and reference counts of an uninterrupted
 * run of the same input (compared with a second database that ran it without interruption).
 */
class AtomResumeIT {

    private static final int TENANT = 77;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void jobKilledMidwayResumesToTheSameStoreAsAnUninterruptedRun() throws Exception {
        byte[] corpus = corpus(1_500_000);
        killAndResume("/api/v1/ingest?name=corpus.txt", "text/plain", corpus, List.of(ContentHash.sha256(corpus).hex()),
                corpus, null);
    }

    @Test
    void batchKilledMidwayResumesToTheSameStoreAsAnUninterruptedRun() throws Exception {
        // a batch of files (two of them the same content under two names): each file's root pinned once
        // per name, the archive itself not kept, whether the job was killed or not
        java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
        List<String> roots = new ArrayList<>();
        byte[] last = null;
        for (int i = 0; i < 4; i++) {
            last = corpus(400_000, 100 + i);
            io.hartonomous.atom.atomize.TestingTar.entry(tar, "docs/part-" + i + ".txt", '0', last);
            roots.add(ContentHash.sha256(last).hex());
        }
        io.hartonomous.atom.atomize.TestingTar.entry(tar, "copy/part-3.txt", '0', last);
        io.hartonomous.atom.atomize.TestingTar.end(tar);
        killAndResume("/api/v1/ingest/batch?prefix=batch", "application/x-tar", tar.toByteArray(), roots, last, null);
    }

    @Test
    void batchWithKnownFilesKilledMidwayPinsThemWithoutAtomizing() throws Exception {
        // the tenant has one file of the batch when the job starts, so the job pins it without
        // atomizing it; that file is unpinned while the job runs (its count drops to 0, but as the
        // job's pending atom it is neither collected nor are its children's counts dropped) and the
        // job is killed: the resumed job pins it, and the store ends as if the batch had been
        // ingested alone, in one run, into an empty store
        java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
        List<String> roots = new ArrayList<>();
        byte[] known = corpus(300_000, 7);
        io.hartonomous.atom.atomize.TestingTar.entry(tar, "docs/known.txt", '0', known);
        roots.add(ContentHash.sha256(known).hex());
        byte[] last = null;
        for (int i = 0; i < 3; i++) {
            last = corpus(400_000, 200 + i);
            io.hartonomous.atom.atomize.TestingTar.entry(tar, "docs/new-" + i + ".txt", '0', last);
            roots.add(ContentHash.sha256(last).hex());
        }
        io.hartonomous.atom.atomize.TestingTar.end(tar);
        killAndResume("/api/v1/ingest/batch?prefix=batch", "application/x-tar", tar.toByteArray(), roots, last, known);
    }

    /**
     * Submits the body, kills the service once the job committed a few chunks, restarts it, waits
     * for the job; runs the same on a second database without interruption; both stores must match,
     * and {@code expected} must read back as the content of the last of {@code roots}.
     */
    private void killAndResume(String path, String contentType, byte[] body, List<String> roots, byte[] expected,
                               byte[] knownBefore) throws Exception {
        Path module = Path.of("").toAbsolutePath();

        TestingPostgres.Database interrupted = TestingPostgres.freshDatabase("resume");
        Path spool = Files.createTempDirectory(module.resolve("target"), "spool-");
        Map<String, String> settings = Map.of(
                "HARTONOMOUS_ATOM_INGEST_CHUNK_SIZE", "200",
                "HARTONOMOUS_ATOM_METERING_ENABLED", "false", // resumption only; MeteringIT runs it with billing
                "HARTONOMOUS_ATOM_INGEST_LEASE", "2s",
                "HARTONOMOUS_ATOM_INGEST_INLINE_BYTES", "0",
                "HARTONOMOUS_ATOM_INGEST_POLL", "200ms",
                "HARTONOMOUS_ATOM_INGEST_SPOOL_DIR", spool.toString());
        String jobId;
        long offsetAtKill;
        try (TestingServiceProcess service = new TestingServiceProcess(module, "HARTONOMOUS_ATOM_PORT", interrupted, settings).start()) {
            String knownHash = null;
            if (knownBefore != null) {
                knownHash = ContentHash.sha256(knownBefore).hex();
                waitForStatus(interrupted, submit(service, "/api/v1/ingest?name=known.txt", "text/plain", knownBefore),
                        "Completed", Duration.ofMinutes(2));
            }
            jobId = submit(service, path, contentType, body);
            offsetAtKill = waitForProgress(interrupted, jobId, 2_000);
            if (knownHash != null) {
                // the job recorded the known file before its first chunk: unpinning it now leaves it to the job
                assertThat(rows(interrupted, "SELECT OptionsJson FROM dbo.IngestionJob WHERE JobId = '" + jobId + "'").get(0))
                        .contains("knownFiles");
                HttpResponse<String> unpin = http.send(HttpRequest.newBuilder(service.uri("/api/v1/roots/" + knownHash))
                        .header("Authorization", "Bearer " + TestingTokens.token(TENANT, "ingest")).DELETE().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(unpin.statusCode()).as(unpin.body()).isEqualTo(200);
                assertThat(status(interrupted, jobId)).isEqualTo("Processing");
            }
            service.kill();
        }
        assertThat(status(interrupted, jobId)).isEqualTo("Processing");

        try (TestingServiceProcess restarted = new TestingServiceProcess(module, "HARTONOMOUS_ATOM_PORT", interrupted, settings).start()) {
            waitForStatus(interrupted, jobId, "Completed", Duration.ofMinutes(4));
            HttpResponse<byte[]> content = http.send(HttpRequest.newBuilder(
                            restarted.uri("/api/v1/atoms/" + roots.get(roots.size() - 1) + "/content"))
                    .header("Authorization", "Bearer " + TestingTokens.token(TENANT, "search")).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(content.statusCode()).isEqualTo(200);
            assertThat(content.body()).isEqualTo(expected);
        }
        assertThat(offsetAtKill).isPositive();

        TestingPostgres.Database uninterrupted = TestingPostgres.freshDatabase("straight");
        try (TestingServiceProcess service = new TestingServiceProcess(module, "HARTONOMOUS_ATOM_PORT", uninterrupted,
                Map.of("HARTONOMOUS_ATOM_INGEST_CHUNK_SIZE", "200", "HARTONOMOUS_ATOM_METERING_ENABLED", "false",
                        "HARTONOMOUS_ATOM_INGEST_SPOOL_DIR", spool.toString()))
                .start()) {
            String straight = submit(service, path, contentType, body);
            waitForStatus(uninterrupted, straight, "Completed", Duration.ofMinutes(4));
        }

        assertThat(rows(interrupted, ATOMS)).isEqualTo(rows(uninterrupted, ATOMS)).isNotEmpty();
        assertThat(rows(interrupted, EDGES)).isEqualTo(rows(uninterrupted, EDGES)).isNotEmpty();
        assertThat(rows(interrupted, PINS)).isEqualTo(rows(uninterrupted, PINS))
                .extracting(pin -> pin.substring(0, 64)).containsAll(roots);
    }

    private static final String ATOMS = """
            SELECT encode(ContentHash, 'hex') || ' ' || ReferenceCount || ' ' || Modality || ' ' || COALESCE(Subtype, '')
                   || ' ' || ContentLength FROM dbo.Atom WHERE TenantId = 77 ORDER BY 1""";
    private static final String EDGES = """
            SELECT encode(ParentAtomHash, 'hex') || ' ' || SequenceIndex || ' ' || encode(ComponentAtomHash, 'hex')
            FROM dbo.AtomComposition WHERE TenantId = 77 ORDER BY 1""";
    private static final String PINS = "SELECT encode(RootHash, 'hex') || ' ' || SourceName FROM dbo.AtomRoot WHERE TenantId = 77 ORDER BY 1";

    private String submit(TestingServiceProcess service, String path, String contentType, byte[] body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(service.uri(path))
                .header("Authorization", "Bearer " + TestingTokens.token(TENANT, "ingest"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String answer = r.body();
        int at = answer.indexOf("\"jobId\":\"") + 9;
        return answer.substring(at, answer.indexOf('"', at));
    }

    private static long waitForProgress(TestingPostgres.Database db, String jobId, long atLeast) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            long offset = Long.parseLong(rows(db, "SELECT CurrentAtomOffset FROM dbo.IngestionJob WHERE JobId = '" + jobId + "'").get(0));
            assertThat(status(db, jobId)).as("job finished before it could be killed").isNotEqualTo("Completed");
            if (offset >= atLeast) {
                return offset;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job made no progress");
    }

    private static void waitForStatus(TestingPostgres.Database db, String jobId, String wanted, Duration max) throws Exception {
        Instant deadline = Instant.now().plus(max);
        while (Instant.now().isBefore(deadline)) {
            String s = status(db, jobId);
            if (s.equals(wanted)) {
                return;
            }
            assertThat(s).isIn("Pending", "Processing");
            Thread.sleep(200);
        }
        throw new AssertionError("job " + jobId + " did not reach " + wanted);
    }

    private static String status(TestingPostgres.Database db, String jobId) throws SQLException {
        return rows(db, "SELECT JobStatus FROM dbo.IngestionJob WHERE JobId = '" + jobId + "'").get(0);
    }

    private static List<String> rows(TestingPostgres.Database db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Deterministic prose-like text: words, sentences, paragraphs, some repeated lines. */
    static byte[] corpus(int size) {
        return corpus(size, 42);
    }

    static byte[] corpus(int size, long seed) {
        Random random = new Random(seed);
        String[] words = "atom store tenant hash content compose rebuild token line paragraph vector search concept billing quota ledger reference count dedupe stream chunk resume lease worker commit"
                .split(" ");
        StringBuilder out = new StringBuilder(size + 200);
        List<String> seen = new ArrayList<>();
        while (out.length() < size) {
            if (!seen.isEmpty() && random.nextInt(10) == 0) {
                out.append(seen.get(random.nextInt(seen.size())));
                continue;
            }
            StringBuilder line = new StringBuilder();
            int n = 3 + random.nextInt(25);
            for (int i = 0; i < n; i++) {
                line.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            }
            line.append(random.nextInt(6) == 0 ? ".\n\n" : ".\n");
            seen.add(line.toString());
            out.append(line);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
