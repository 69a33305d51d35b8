package io.hartonomous.atom.ingest;

import io.hartonomous.atom.atomize.TestingCorpus;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.hartonomous.atom.ingest.CorpusRoundTripTest.resource;
import static io.hartonomous.atom.ingest.CorpusRoundTripTest.sha256;
import static io.hartonomous.atom.ingest.TestingIngest.atoms;
import static io.hartonomous.atom.ingest.TestingIngest.content;
import static io.hartonomous.atom.ingest.TestingIngest.live;
import static io.hartonomous.atom.ingest.TestingIngest.post;
import static io.hartonomous.atom.ingest.TestingIngest.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;

/**
 * Bad and hostile uploads over HTTP. Two outcomes are correct, and each case says which and why:
 * <ul>
 *   <li><b>Refused</b>: a 4xx {@code application/problem+json} with a clear {@code detail}; when the
 *       problem is found mid-job, a 422 naming the job, which is {@code Failed} with that message.
 *       Either way nothing of the upload stays live: the tenant's live atoms (hash → count) are
 *       exactly those before it — atoms shared with content ingested before keep their counts —,
 *       every count agrees with the edges and pins, and garbage collection brings the atom count
 *       back to what it was.</li>
 *   <li><b>Kept losslessly</b>: formats whose atomizer degrades instead of failing (a truncated
 *       image keeps its byte view without a raster, a WAV's lying sizes are clamped, a broken JSON
 *       array continues as text, a plain zip is bytes). The bytes are valid content of their own,
 *       so they are stored and rebuilt exactly, without inflating or decoding what they claim.</li>
 * </ul>
 * Runs with a 4 MiB upload limit ({@link SmallUploads}) so the limit itself is testable.
 */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
@TestProfile(HostileInputTest.SmallUploads.class)
class HostileInputTest {

    static final long MAX_BYTES = 4L << 20;

    public static class SmallUploads implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hartonomous.atom.ingest.max-bytes", Long.toString(MAX_BYTES));
        }
    }

    private static final AtomicInteger TENANTS = new AtomicInteger(32_000);
    private static final byte[] BASELINE_TEXT = resource("tzdata-copyright");

    @Inject
    Database db;

    // ---- truncated files of each structured format --------------------------------------------

    /** Safetensors cut inside its last tensor: found after several chunks are committed; the job fails. */
    @Test
    void truncatedSafetensorsFailsAndLeavesNothingLive() {
        byte[] model = TestingCorpus.safetensors();
        refusedMidJob(withBaseline(BASELINE_TEXT), "cut.safetensors", cut(model, 0.9), "Not a valid safetensors file");
        // shared with the complete file ingested before: those atoms keep exactly their counts
        refusedMidJob(withBaseline(model), "cut.safetensors", cut(model, 0.9), "Not a valid safetensors file");
    }

    @Test
    void truncatedGgufFailsAndLeavesNothingLive() {
        byte[] model = TestingCorpus.gguf();
        refusedMidJob(withBaseline(BASELINE_TEXT), "cut.gguf", cut(model, 0.9), "Not a valid GGUF file");
        refusedMidJob(withBaseline(model), "cut.gguf", cut(model, 0.9), "Not a valid GGUF file");
    }

    /**
     * ONNX has no signature: it is recognised by its protobuf structure, whose graph length must fit
     * the file. Cut inside the graph, the file is not claimed as ONNX at all and is kept as opaque
     * bytes; cut after the graph (inside the trailing opset field), it is claimed, parsed, and fails
     * after every weight was emitted.
     */
    @Test
    void truncatedOnnxFailsOrIsNotClaimed() {
        byte[] model = TestingCorpus.onnx();
        keptLosslessly(withBaseline(model), "cut.onnx", cut(model, 0.9), "binary");
        byte[] lastByteCut = Arrays.copyOf(model, model.length - 1);
        refusedMidJob(withBaseline(BASELINE_TEXT), "cut.onnx", lastByteCut, "Not a valid ONNX file");
        refusedMidJob(withBaseline(model), "cut.onnx", lastByteCut, "Not a valid ONNX file");
    }

    /** A bundle whose pack is cut: the repository cannot be read, the job fails. */
    @Test
    void truncatedGitBundleFailsAndLeavesNothingLive() {
        byte[] bundle = CorpusRoundTripTest.bundle();
        refusedMidJob(withBaseline(BASELINE_TEXT), "cut.bundle", cut(bundle, 0.7), "truncated or corrupt");
        refusedMidJob(withBaseline(bundle), "cut.bundle", cut(bundle, 0.7), "truncated or corrupt");
    }

    /**
     * A truncated PNG or JPEG does not decode: it keeps its byte view only (no raster, one pin),
     * rebuilt exactly — the bytes are content of their own, and no pixel is invented.
     */
    @Test
    void truncatedImagesKeepTheirByteViewOnly() {
        for (String name : new String[]{"python.png", "python.jpg"}) {
            byte[] image = resource(name);
            int tenant = withBaseline(image);
            byte[] cut = cut(image, 0.6);
            keptLosslessly(tenant, "cut-" + name, cut, "image");
            assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.AtomRoot WHERE TenantId = %d AND encode(RootHash, 'hex') = '%s'"
                    .formatted(tenant, sha256(cut)))).as(name).isEqualTo(1);
            assertThat(relations(tenant, sha256(cut), "decodes_to")).as(name).isZero();
        }
    }

    /** A WAV cut mid-sample: frames up to the cut, the partial frame a leaf of its own. */
    @Test
    void truncatedWavIsKeptLosslessly() {
        byte[] wav = resource("pluck-pcm16.wav");
        keptLosslessly(withBaseline(wav), "cut.wav", Arrays.copyOf(wav, wav.length / 2 + 1), "audio");
    }

    /** A JSON array cut mid-object: the rows before it are a table, the rest text under it. */
    @Test
    void truncatedJsonIsKeptLosslessly() {
        byte[] json = resource("cmake-v143_CSharp.json");
        keptLosslessly(withBaseline(json), "cut.json", cut(json, 0.5), "database");
    }

    // ---- headers that lie about sizes ---------------------------------------------------------

    /** A 1 TB tensor in a 100-byte file: refused from the header, before anything is allocated. */
    @Test
    void safetensorsClaimingATerabyteTensorIsRefused() {
        long elements = 1L << 38; // 2^38 floats = 1 TiB
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[" + elements + "],\"data_offsets\":[0," + 4 * elements + "]}}";
        byte[] json = header.getBytes(StandardCharsets.US_ASCII);
        byte[] file = TestingCorpus.concat(TestingCorpus.le(json.length, 8), json, new byte[16]);
        refusedMidJob(withBaseline(BASELINE_TEXT), "huge.safetensors", file, "Not a valid safetensors file");
    }

    /** A GGUF header claiming 10^9 tensors is refused before any tensor info is read. */
    @Test
    void ggufClaimingABillionTensorsIsRefused() {
        byte[] file = TestingCorpus.concat("GGUF".getBytes(StandardCharsets.US_ASCII), TestingCorpus.le(3, 4),
                TestingCorpus.le(1_000_000_000L, 8), TestingCorpus.le(0, 8), new byte[64]);
        refusedMidJob(withBaseline(BASELINE_TEXT), "billion.gguf", file, "1000000000 tensors");
    }

    /** 100000 × 100000 = 10^10 pixels declared: refused from IHDR, nothing decoded. */
    @Test
    void pngDeclaringTenGigapixelsIsRefused() {
        byte[] png = png(100_000, 100_000, deflateZeros(1024));
        refusedMidJob(withBaseline(resource("python.png")), "huge.png", png, "100000 × 100000 pixels");
    }

    /**
     * A 64 × 64 grey PNG whose IDAT (about 250 KB) inflates to 256 MiB: the decoder reads the 4 KB
     * the header says the pixels need and stops, so the image is kept with its 64 × 64 raster and
     * the rest of the stream is never inflated.
     */
    @Test
    void pngDecompressionBombIsNotInflated() {
        byte[] png = png(64, 64, deflateZeros(256 << 20));
        assertThat(png.length).isLessThan(400_000);
        int tenant = withBaseline(BASELINE_TEXT);
        keptLosslessly(tenant, "bomb.png", png, "image");
    }

    /**
     * A zip of a repository layout whose pack entry inflates to 128 MiB (input about 130 KB):
     * over the unpack budget (64 MiB floor, 50 × the input), refused while unpacking.
     */
    @Test
    void gitZipBombIsRefused() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("repo.git/HEAD"));
            zip.write("ref: refs/heads/main\n".getBytes(StandardCharsets.US_ASCII));
            zip.putNextEntry(new ZipEntry("repo.git/refs/heads/"));
            zip.putNextEntry(new ZipEntry("repo.git/objects/pack/pack-bomb.pack"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 128; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        refusedMidJob(withBaseline(BASELINE_TEXT), "bomb.zip", out.toByteArray(), "unpacks to more than");
    }

    /** A plain zip (no repository inside) is opaque bytes: stored as such, never inflated. */
    @Test
    void plainZipBombIsStoredAsBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("zeros.bin"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 128; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        byte[] bomb = out.toByteArray();
        int tenant = withBaseline(BASELINE_TEXT);
        keptLosslessly(tenant, "bomb.zip", bomb, "binary");
        // stored bytes are about the zip's size, not the 128 MiB it inflates to
        long stored = given().auth().oauth2(token(tenant)).when().get("/api/v1/stats")
                .then().statusCode(200).extract().jsonPath().getLong("bytesStored");
        assertThat(stored).isLessThan(4L * bomb.length);
    }

    /** A data chunk claiming 2 GB in a 2 KB file: the sizes are clamped to the bytes present. */
    @Test
    void wavWhoseHeaderLiesAboutItsSizeIsKeptLosslessly() {
        byte[] samples = new byte[2000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (byte) (i * 7);
        }
        byte[] wav = TestingCorpus.concat("RIFF".getBytes(StandardCharsets.US_ASCII), TestingCorpus.le(0x7fff_fff0L, 4),
                "WAVEfmt ".getBytes(StandardCharsets.US_ASCII), TestingCorpus.le(16, 4),
                TestingCorpus.le(1, 2), TestingCorpus.le(1, 2), TestingCorpus.le(8000, 4), TestingCorpus.le(16000, 4),
                TestingCorpus.le(2, 2), TestingCorpus.le(16, 2),
                "data".getBytes(StandardCharsets.US_ASCII), TestingCorpus.le(0x7fff_ff00L, 4), samples);
        keptLosslessly(withBaseline(BASELINE_TEXT), "liar.wav", wav, "audio");
    }

    // ---- text that is not text ---------------------------------------------------------------

    /**
     * Invalid UTF-8 under names that promise structure: no parser runs on it (the sniff needs
     * valid UTF-8), so it is kept exactly — never transcoded or "repaired".
     */
    @Test
    void invalidUtf8IsKeptByteForByte() {
        byte[] bad = resource("invalid-utf8.txt");
        int tenant = withBaseline(BASELINE_TEXT);
        for (String name : new String[]{"bad.java", "bad.json", "bad.csv", "bad.bin"}) {
            Map<String, Object> job = post(tenant, name, bad).then().statusCode(201).extract().jsonPath().getMap("");
            assertThat(job).as(name).containsEntry("rootHash", sha256(bad)).containsEntry("status", "Completed");
            assertThat(content(tenant, sha256(bad))).as(name).isEqualTo(bad);
        }
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
    }

    // ---- the request itself ------------------------------------------------------------------

    @Test
    void emptyBodyIsRefused() {
        int tenant = withBaseline(BASELINE_TEXT);
        refusedUpFront(tenant, "empty.txt", new byte[0], 400, "empty");
    }

    /** A name is a display name, never a path: refused before the body is spooled. */
    @Test
    void pathLikeAndControlCharacterNamesAreRefused() {
        int tenant = withBaseline(BASELINE_TEXT);
        byte[] body = "harmless content\n".getBytes(StandardCharsets.UTF_8);
        for (String name : new String[]{"../escape.txt", "a/../../escape.txt", "..", "dir/..", "/etc/passwd",
                "C:\\Windows\\win.ini", "\\\\server\\share\\x"}) {
            refusedUpFront(tenant, name, body, 400, "absolute path");
        }
        for (String name : new String[]{"nul\u0000byte.txt", "new\nline.txt", "carriage\rreturn", "bell\u0007.txt",
                "escape\u001b[31m.txt", "del\u007f.txt", "rtl\u202egnp.exe", "line\u2028sep"}) {
            refusedUpFront(tenant, name, body, 400, "control characters");
        }
        refusedUpFront(tenant, "x".repeat(501) + ".txt", body, 400, "longer than 255");
        refusedUpFront(tenant, "y".repeat(256), body, 400, "longer than 255");
        refusedUpFront(tenant, null, body, 400, "'name' is required");
        refusedUpFront(tenant, "   ", body, 400, "'name' is required");
        // a relative name with directories is a display name like any other
        post(tenant, "docs/readme.txt", body).then().statusCode(201);
    }

    /** Over the limit: 413 while streaming, the spooled part deleted, no job. */
    @Test
    void bodyOverTheLimitIsRefused() throws IOException {
        int tenant = withBaseline(BASELINE_TEXT);
        long spooled = spoolFiles();
        byte[] big = new byte[(int) MAX_BYTES + 1];
        Arrays.fill(big, (byte) 'a');
        refusedUpFront(tenant, "big.txt", big, 413, "exceeds the limit of " + MAX_BYTES + " bytes");
        assertThat(spoolFiles()).isEqualTo(spooled);
    }

    /**
     * Content-Length larger than the bytes sent, then the client stops sending: the upload cannot
     * be read to its end, so no job is created and the partial spool file is removed.
     */
    @Test
    void contentLongerThanSentCreatesNoJob() throws Exception {
        int tenant = withBaseline(BASELINE_TEXT);
        long atomsBefore = atoms(db, tenant);
        long jobsBefore = jobs(tenant);
        long spooled = spoolFiles();
        String answer = rawPost(tenant, "short.bin", 100_000, new byte[1000]);
        // the server either answers 400 or closes the half-closed connection; never 2xx
        assertThat(answer).doesNotStartWith("HTTP/1.1 2");
        for (int i = 0; i < 50 && spoolFiles() > spooled; i++) {
            Thread.sleep(100);
        }
        assertThat(spoolFiles()).isEqualTo(spooled);
        assertThat(jobs(tenant)).isEqualTo(jobsBefore);
        assertThat(atoms(db, tenant)).isEqualTo(atomsBefore);
    }

    /**
     * Content-Length smaller than the bytes sent: HTTP says the body is the first Content-Length
     * bytes; the bytes after it are no valid next request, so the server closes the connection.
     * Depending on whether the close overtakes the upload, either nothing is written at all (no
     * job, no atom: what this machine shows) or exactly the declared bytes are ingested — never the
     * bytes sent, never a part of either.
     */
    @Test
    void contentShorterThanSentIngestsTheDeclaredBytesOrNothing() throws Exception {
        int tenant = withBaseline(BASELINE_TEXT);
        byte[] sent = "first part is the body; ".repeat(40).getBytes(StandardCharsets.US_ASCII);
        int declared = 500;
        byte[] body = Arrays.copyOf(sent, declared);
        long jobsBefore = jobs(tenant);
        long atomsBefore = atoms(db, tenant);
        Map<String, Long> liveBefore = live(db, tenant);
        String answer = rawPost(tenant, "prefix.txt", declared, sent);
        Thread.sleep(2000); // a job, if any, runs within the request
        assertThat(unfinishedJobs(tenant)).isZero();
        if (jobs(tenant) == jobsBefore) {
            assertThat(answer).doesNotStartWith("HTTP/1.1 2");
            assertThat(atoms(db, tenant)).isEqualTo(atomsBefore);
            assertThat(live(db, tenant)).isEqualTo(liveBefore);
        } else {
            assertThat(jobs(tenant)).isEqualTo(jobsBefore + 1);
            assertThat(TestingStore.count(db, """
                    SELECT COUNT(*) FROM dbo.IngestionJob WHERE TenantId = %d AND JobStatus = 'Completed'
                    AND encode(RootHash, 'hex') = '%s'""".formatted(tenant, sha256(body)))).isEqualTo(1);
            assertThat(content(tenant, sha256(body))).isEqualTo(body);
        }
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha256(sent)).then().statusCode(404);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
    }

    // ---- fixtures ----------------------------------------------------------------------------

    /** A fresh tenant holding {@code baseline}, so that the hostile upload meets shared content. */
    private int withBaseline(byte[] baseline) {
        int tenant = TENANTS.incrementAndGet();
        post(tenant, "baseline", baseline).then().statusCode(201);
        return tenant;
    }

    /** The upload is refused mid-job (422 naming a Failed job) and leaves nothing live. */
    private void refusedMidJob(int tenant, String name, byte[] body, String reason) {
        Map<String, Long> liveBefore = live(db, tenant);
        long atomsBefore = atoms(db, tenant);
        long pinsBefore = TestingIngest.pins(db, tenant);
        long modelsBefore = models(tenant);

        String jobId = post(tenant, name, body)
                .then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("unprocessable_content")).body("detail", containsString(reason))
                .body("rootHash", equalTo(sha256(body))).body("jobId", not(emptyOrNullString()))
                .extract().path("jobId");
        given().auth().oauth2(token(tenant)).when().get("/api/v1/jobs/" + jobId)
                .then().statusCode(200).body("status", equalTo("Failed")).body("error", containsString(reason));
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha256(body))
                .then().statusCode(404).contentType("application/problem+json");

        assertThat(live(db, tenant)).as("live atoms after the failed %s", name).isEqualTo(liveBefore);
        assertThat(TestingIngest.pins(db, tenant)).isEqualTo(pinsBefore);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        TestingIngest.gc(tenant);
        assertThat(atoms(db, tenant)).as("atoms after collecting the failed %s", name).isEqualTo(atomsBefore);
        assertThat(live(db, tenant)).isEqualTo(liveBefore);
        assertThat(models(tenant)).as("Model rows after the failed %s", name).isEqualTo(modelsBefore);
    }

    /** Refused before any job exists: a problem, no atom, no pin, no job. */
    private void refusedUpFront(int tenant, String name, byte[] body, int status, String reason) {
        Map<String, Long> liveBefore = live(db, tenant);
        long atomsBefore = atoms(db, tenant);
        long jobsBefore = jobs(tenant);
        var request = given().auth().oauth2(token(tenant)).contentType("application/octet-stream").body(body)
                .queryParam("wait", true);
        if (name != null) {
            request = request.queryParam("name", name);
        }
        request.when().post("/api/v1/ingest")
                .then().statusCode(status).contentType("application/problem+json")
                .body("detail", containsString(reason));
        assertThat(live(db, tenant)).isEqualTo(liveBefore);
        assertThat(atoms(db, tenant)).isEqualTo(atomsBefore);
        assertThat(jobs(tenant)).isEqualTo(jobsBefore);
    }

    /** Stored and rebuilt exactly, with the expected modality and exact counts. */
    private void keptLosslessly(int tenant, String name, byte[] body, String modality) {
        String sha = sha256(body);
        post(tenant, name, body).then().statusCode(201)
                .body("status", equalTo("Completed")).body("rootHash", equalTo(sha));
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha)
                .then().statusCode(200).body("modality", equalTo(modality)).body("size", equalTo(body.length));
        assertThat(content(tenant, sha)).as(name).isEqualTo(body);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
    }

    private long relations(int tenant, String sourceHex, String type) {
        return TestingStore.count(db, """
                SELECT COUNT(*) FROM dbo.AtomRelation r JOIN dbo.Atom s ON s.AtomId = r.SourceAtomId
                WHERE r.TenantId = %d AND r.RelationType = '%s' AND encode(s.ContentHash, 'hex') = '%s'"""
                .formatted(tenant, type, sourceHex));
    }

    private long jobs(int tenant) {
        return TestingStore.count(db, "SELECT COUNT(*) FROM dbo.IngestionJob WHERE TenantId = " + tenant);
    }

    private long unfinishedJobs(int tenant) {
        return TestingStore.count(db, "SELECT COUNT(*) FROM dbo.IngestionJob WHERE JobStatus IN ('Pending', 'Processing') "
                + "AND TenantId = " + tenant);
    }

    private long models(int tenant) {
        return TestingStore.count(db, "SELECT COUNT(*) FROM dbo.Model WHERE TenantId = " + tenant);
    }

    private static long spoolFiles() throws IOException {
        Path spool = Path.of("target/spool");
        if (!Files.isDirectory(spool)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(spool)) {
            return files.filter(p -> p.toString().endsWith(".upload")).count();
        }
    }

    /** POSTs with a hand-written Content-Length, half-closes, and returns what the server answered. */
    private static String rawPost(int tenant, String name, long contentLength, byte[] body) throws IOException {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/ingest?wait=true&name=" + name + " HTTP/1.1\r\n"
                    + "Host: localhost\r\n"
                    + "Authorization: Bearer " + token(tenant) + "\r\n"
                    + "Content-Type: application/octet-stream\r\n"
                    + "Content-Length: " + contentLength + "\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            try {
                return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                return "closed: " + e.getMessage();
            }
        }
    }

    private static byte[] cut(byte[] file, double fraction) {
        return Arrays.copyOf(file, (int) (file.length * fraction));
    }

    /** A zlib stream of {@code n} zero bytes, written 1 MiB at a time. */
    private static byte[] deflateZeros(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] zeros = new byte[Math.min(n, 1 << 20)];
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, deflater, 1 << 16)) {
            for (int left = n; left > 0; left -= zeros.length) {
                z.write(zeros, 0, Math.min(left, zeros.length));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    /** A greyscale 8-bit PNG with the given IHDR dimensions and IDAT payload. */
    private static byte[] png(long width, long height, byte[] idat) {
        byte[] ihdr = TestingCorpus.concat(be(width), be(height), new byte[]{8, 0, 0, 0, 0});
        return TestingCorpus.concat(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a},
                chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", new byte[0]));
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        return TestingCorpus.concat(be(data.length), t, data, be(crc.getValue()));
    }

    private static byte[] be(long v) {
        return new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
