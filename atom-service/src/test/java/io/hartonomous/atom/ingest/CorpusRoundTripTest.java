package io.hartonomous.atom.ingest;

import io.hartonomous.atom.atomize.TestingCorpus;
import io.hartonomous.atom.atomize.TestingRepositories;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.hartonomous.atom.ingest.TestingIngest.atoms;
import static io.hartonomous.atom.ingest.TestingIngest.content;
import static io.hartonomous.atom.ingest.TestingIngest.post;
import static io.hartonomous.atom.ingest.TestingIngest.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Every modality end to end over HTTP, on real files (src/test/resources/corpus, see its README;
 * models and the git bundle are written by the test): the file's SHA-256 is the root hash the
 * ingest answers, the content endpoint rebuilds the file byte for byte, the atom's modality is
 * the expected one, a byte range is the exact slice, re-ingesting creates nothing, and two tenants
 * each get the file on their own.
 */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class CorpusRoundTripTest {

    private static final AtomicInteger TENANTS = new AtomicInteger(31_000);

    @Inject
    Database db;

    record Sample(String name, String modality, byte[] bytes) {
        @Override
        public String toString() {
            return name + " (" + modality + ", " + bytes.length + " bytes)";
        }
    }

    static List<Sample> corpus() {
        return List.of(
                file("GPL-3.txt", "text"),
                file("Apache-2.0", "text"),
                file("tzdata-copyright", "text"),
                file("crlf-no-final-newline.txt", "text"),
                // a .txt that is not UTF-8: the text atomizer still takes it by name (its lines are bytes)
                file("invalid-utf8.txt", "text"),
                file("Objects.java", "code"),
                file("colorsys.py", "code"),
                file("doctools.js", "code"),
                file("Find-VisualStudio.cs", "code"),
                file("ring-buffer.ts", "code"),
                file("python.png", "image"),
                file("crates.png", "image"),
                file("python.jpg", "image"),
                file("python.gif", "image"),
                file("tcl-logo64.gif", "image"),
                file("python.bmp", "image"),
                file("python.webp", "image"),
                file("pluck-pcm16.wav", "audio"),
                file("debian.csv", "database"),
                file("cmake-v143_CSharp.json", "database"),
                file("cmake-v143_CSharp.jsonl", "database"),
                file("underscore.min.js.gz", "binary"),
                new Sample("model.safetensors", "model", TestingCorpus.safetensors()),
                new Sample("model.gguf", "model", TestingCorpus.gguf()),
                new Sample("model.onnx", "model", TestingCorpus.onnx()),
                new Sample("demo.bundle", "git", bundle()));
    }

    /** The media type each file of the corpus is served with when its upload named none (spaces removed). */
    private static final Map<String, String> MEDIA_TYPES = Map.ofEntries(
            Map.entry("GPL-3.txt", "text/plain;charset=utf-8"),
            Map.entry("Apache-2.0", "text/plain;charset=utf-8"),
            Map.entry("tzdata-copyright", "text/plain;charset=utf-8"),
            Map.entry("crlf-no-final-newline.txt", "text/plain;charset=utf-8"),
            Map.entry("invalid-utf8.txt", "application/octet-stream"), // not UTF-8: its bytes, no charset claimed
            Map.entry("Objects.java", "text/x-java;charset=utf-8"),
            Map.entry("colorsys.py", "text/x-python;charset=utf-8"),
            Map.entry("doctools.js", "text/javascript;charset=utf-8"),
            Map.entry("Find-VisualStudio.cs", "text/x-csharp;charset=utf-8"),
            Map.entry("ring-buffer.ts", "text/x-typescript;charset=utf-8"),
            Map.entry("python.png", "image/png"),
            Map.entry("crates.png", "image/png"),
            Map.entry("python.jpg", "image/jpeg"),
            Map.entry("python.gif", "image/gif"),
            Map.entry("tcl-logo64.gif", "image/gif"),
            Map.entry("python.bmp", "image/bmp"),
            Map.entry("python.webp", "image/webp"),
            Map.entry("pluck-pcm16.wav", "audio/wav"),
            Map.entry("debian.csv", "text/csv;charset=utf-8"),
            Map.entry("cmake-v143_CSharp.json", "application/json"),
            Map.entry("cmake-v143_CSharp.jsonl", "application/jsonl"),
            Map.entry("underscore.min.js.gz", "application/octet-stream"),
            Map.entry("model.safetensors", "application/octet-stream"),
            Map.entry("model.gguf", "application/octet-stream"),
            Map.entry("model.onnx", "application/octet-stream"),
            Map.entry("demo.bundle", "application/octet-stream"));

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void ingestsAndRebuildsByteForByte(Sample sample) {
        int tenant = TENANTS.incrementAndGet();
        byte[] input = sample.bytes();
        String sha = sha256(input);

        Map<String, Object> job = post(tenant, sample.name(), input)
                .then().statusCode(201).contentType(ContentType.JSON).extract().jsonPath().getMap("");
        assertThat(job).containsEntry("status", "Completed").containsEntry("rootHash", sha)
                .containsEntry("modality", sample.modality());
        assertThat(((Number) job.get("bytes")).longValue()).isEqualTo(input.length);
        assertThat(((Number) job.get("atomsCreated")).longValue()).isPositive();

        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha)
                .then().statusCode(200).body("modality", equalTo(sample.modality()))
                .body("size", equalTo(input.length)).body("referenceCount", equalTo(1));
        // sent as application/octet-stream: the atom takes the media type its signature shows
        String type = given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha + "/content")
                .then().statusCode(200).extract().contentType();
        assertThat(type.replace(" ", "").toLowerCase(java.util.Locale.ROOT)).isEqualTo(MEDIA_TYPES.get(sample.name()));
        byte[] rebuilt = content(tenant, sha);
        assertThat(sha256(rebuilt)).isEqualTo(sha);
        assertThat(rebuilt).isEqualTo(input);

        int from = input.length / 3;
        int to = Math.max(from, 2 * input.length / 3);
        byte[] slice = given().auth().oauth2(token(tenant)).header("Range", "bytes=" + from + "-" + to)
                .when().get("/api/v1/atoms/" + sha + "/content")
                .then().statusCode(206).header("Content-Range", "bytes " + from + "-" + to + "/" + input.length)
                .extract().asByteArray();
        assertThat(slice).isEqualTo(Arrays.copyOfRange(input, from, to + 1));
        int tail = Math.min(input.length, 77);
        byte[] suffix = given().auth().oauth2(token(tenant)).header("Range", "bytes=-" + tail)
                .when().get("/api/v1/atoms/" + sha + "/content")
                .then().statusCode(206).extract().asByteArray();
        assertThat(suffix).isEqualTo(Arrays.copyOfRange(input, input.length - tail, input.length));

        long atomsBefore = atoms(db, tenant);
        Map<String, Object> again = post(tenant, "again-" + sample.name(), input)
                .then().statusCode(201).extract().jsonPath().getMap("");
        assertThat(again).containsEntry("status", "Completed").containsEntry("rootHash", sha)
                .containsEntry("atomsCreated", 0);
        assertThat(atoms(db, tenant)).isEqualTo(atomsBefore);
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha)
                .then().statusCode(200).body("referenceCount", equalTo(2));
        if (sample.modality().equals("image")) {
            // every image of the corpus decodes: the raster is a second root, linked by decodes_to
            assertThat(TestingStore.count(db, """
                    SELECT COUNT(*) FROM dbo.AtomRelation r JOIN dbo.Atom s ON s.AtomId = r.SourceAtomId
                    WHERE r.TenantId = %d AND r.RelationType = 'decodes_to' AND encode(s.ContentHash, 'hex') = '%s'"""
                    .formatted(tenant, sha))).isEqualTo(1);
        }
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
    }

    /** One file of each modality (every model format: their coefficient rows must not block collection). */
    static List<Sample> onePerModality() {
        List<String> names = List.of("tzdata-copyright", "Objects.java", "python.png", "pluck-pcm16.wav", "debian.csv",
                "underscore.min.js.gz", "model.safetensors", "model.gguf", "model.onnx", "demo.bundle");
        return corpus().stream().filter(s -> names.contains(s.name())).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("onePerModality")
    void twoTenantsEachGetTheirOwnCopy(Sample sample) {
        int a = TENANTS.incrementAndGet();
        int b = TENANTS.incrementAndGet();
        byte[] input = sample.bytes();
        String sha = sha256(input);
        long createdByA = ((Number) post(a, sample.name(), input).then().statusCode(201)
                .extract().path("atomsCreated")).longValue();
        long atomsOfA = atoms(db, a);
        Map<String, Long> liveOfA = TestingIngest.live(db, a);

        // dedup is per tenant: B writes every atom A wrote, and A's store does not move
        long createdByB = ((Number) post(b, sample.name(), input).then().statusCode(201)
                .extract().path("atomsCreated")).longValue();
        assertThat(createdByB).isEqualTo(createdByA);
        assertThat(atoms(db, b)).isEqualTo(atomsOfA);
        assertThat(atoms(db, a)).isEqualTo(atomsOfA);
        assertThat(TestingIngest.live(db, a)).isEqualTo(liveOfA);
        assertThat(content(a, sha)).isEqualTo(input);
        assertThat(content(b, sha)).isEqualTo(input);

        // B's unpinning and collecting leaves A's copy whole
        given().auth().oauth2(token(b)).when().delete("/api/v1/roots/" + sha).then().statusCode(200);
        TestingIngest.gc(b);
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.Atom WHERE ReferenceCount > 0 AND TenantId = " + b))
                .isZero();
        assertThat(TestingIngest.live(db, a)).isEqualTo(liveOfA);
        assertThat(content(a, sha)).isEqualTo(input);
    }

    /** Model files also get their Model row and one ModelLayer per tensor. */
    @Test
    void modelFilesRecordTheirModelAndLayers() {
        Map<String, byte[]> models = Map.of("m.safetensors", TestingCorpus.safetensors(), "m.gguf", TestingCorpus.gguf(),
                "m.onnx", TestingCorpus.onnx());
        for (var e : models.entrySet()) {
            int tenant = TENANTS.incrementAndGet();
            post(tenant, e.getKey(), e.getValue()).then().statusCode(201);
            assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.Model WHERE TenantId = " + tenant))
                    .as(e.getKey()).isEqualTo(1);
            assertThat(TestingStore.count(db, """
                    SELECT COUNT(*) FROM dbo.ModelLayer l JOIN dbo.Model m ON m.ModelId = l.ModelId
                    WHERE m.TenantId = %d""".formatted(tenant))).as(e.getKey()).isGreaterThanOrEqualTo(3);
        }
    }

    /**
     * An empty file is refused, by design: an atom holds 1–64 bytes (CK_Atom_AtomicValueLength),
     * so there is no atom whose hash is SHA-256 of nothing.
     */
    @Test
    void anEmptyFileIsRefusedWithAProblem() {
        int tenant = TENANTS.incrementAndGet();
        post(tenant, "empty.txt", new byte[0])
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("invalid_request")).body("detail", containsString("empty"));
        assertThat(atoms(db, tenant)).isZero();
    }

    private static Sample file(String name, String modality) {
        return new Sample(name, modality, resource(name));
    }

    static byte[] resource(String name) {
        try (InputStream in = CorpusRoundTripTest.class.getClassLoader().getResourceAsStream("corpus/" + name)) {
            if (in == null) {
                throw new IllegalStateException("corpus/" + name + " is not on the test class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bundle() {
        try {
            Path dir = Files.createTempDirectory("corpus-git");
            try (TestingRepositories repo = new TestingRepositories(dir)) {
                return repo.bundle();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 by the JDK, independent of the service's hashing code. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
