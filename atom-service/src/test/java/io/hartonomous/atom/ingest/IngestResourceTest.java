package io.hartonomous.atom.ingest;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.hartonomous.common.testing.TestingTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class IngestResourceTest {

    private static final AtomicInteger TENANTS = new AtomicInteger(100);

    @Inject
    Database db;

    private static String token(int tenant) {
        return TestingTokens.token(tenant, "ingest", "search", "admin");
    }

    private static Map<String, Object> ingest(int tenant, String name, byte[] body) {
        return given().auth().oauth2(token(tenant)).contentType("text/plain").body(body)
                .queryParam("name", name).queryParam("wait", true)
                .when().post("/api/v1/ingest")
                .then().statusCode(201).contentType(ContentType.JSON)
                .extract().jsonPath().getMap("");
    }

    private static byte[] content(int tenant, String hash) {
        return given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + hash + "/content")
                .then().statusCode(200).extract().asByteArray();
    }

    @Test
    void ingestsTextAndRebuildsItByteForByte() throws Exception {
        int tenant = TENANTS.incrementAndGet();
        Path doc = Path.of("/usr/share/common-licenses/GPL-3");
        byte[] input = Files.exists(doc) ? Files.readAllBytes(doc) : "some text\n".repeat(5000).getBytes();
        Map<String, Object> job = ingest(tenant, "GPL-3", input);
        String root = ContentHash.sha256(input).hex();
        assertThat(job).containsEntry("rootHash", root).containsEntry("status", "Completed");
        assertThat(((Number) job.get("atomsCreated")).longValue()).isPositive();
        assertThat(content(tenant, root)).isEqualTo(input);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();

        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + root)
                .then().statusCode(200).body("modality", equalTo("text")).body("size", equalTo(input.length))
                .body("referenceCount", equalTo(1)).body("composite", equalTo(true));
        given().auth().oauth2(token(tenant)).queryParam("limit", 5).when().get("/api/v1/atoms/" + root + "/components")
                .then().statusCode(200).body("components.size()", equalTo(5)).body("components[0].sequence", equalTo(0));
    }

    @Test
    void ingestsSourceCodeAsASyntaxTree() {
        int tenant = TENANTS.incrementAndGet();
        byte[] input = """
                package demo;

                /** Counts things; long enough that every level is a composite atom. */
                public final class Counter {
                    private long count;

                    public long increment(long by) {
                        count += by;
                        return count;
                    }
                }
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String root = ContentHash.sha256(input).hex();
        assertThat(ingest(tenant, "Counter.java", input)).containsEntry("rootHash", root);
        assertThat(content(tenant, root)).isEqualTo(input);
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + root)
                .then().statusCode(200).body("modality", equalTo("code")).body("subtype", equalTo("namespace"));
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + root + "/components")
                .then().statusCode(200)
                .body("components.find { it.subtype == 'class' }.z", equalTo(2.0f))
                .body("components.find { it.subtype == 'class' }.x", equalTo(3.0f));
    }

    @Test
    void servesByteRanges() {
        int tenant = TENANTS.incrementAndGet();
        byte[] input = new byte[200_000];
        new Random(5).nextBytes(input);
        String root = (String) ingest(tenant, "random.bin", input).get("rootHash");
        byte[] part = given().auth().oauth2(token(tenant)).header("Range", "bytes=1000-99999")
                .when().get("/api/v1/atoms/" + root + "/content")
                .then().statusCode(206).header("Content-Range", "bytes 1000-99999/200000").extract().asByteArray();
        assertThat(part).isEqualTo(java.util.Arrays.copyOfRange(input, 1000, 100_000));
        byte[] tail = given().auth().oauth2(token(tenant)).header("Range", "bytes=-10")
                .when().get("/api/v1/atoms/" + root + "/content").then().statusCode(206).extract().asByteArray();
        assertThat(tail).isEqualTo(java.util.Arrays.copyOfRange(input, 199_990, 200_000));
        given().auth().oauth2(token(tenant)).header("Range", "bytes=300000-")
                .when().get("/api/v1/atoms/" + root + "/content")
                .then().statusCode(416).contentType("application/problem+json").header("Content-Range", "bytes */200000");
    }

    @Test
    void contentIsServedWithTheClientsMediaTypeElseTheOneItsBytesShow() {
        int tenant = TENANTS.incrementAndGet();
        byte[] notes = "# Notes\n\nA markdown file, long enough to be more than one atom of sixty-four bytes.\n"
                .getBytes(StandardCharsets.UTF_8);
        String named = given().auth().oauth2(token(tenant)).contentType("text/markdown; charset=utf-8").body(notes)
                .queryParam("name", "notes.md").queryParam("wait", true).when().post("/api/v1/ingest")
                .then().statusCode(201).extract().path("rootHash");
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + named + "/content")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/markdown"));
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + named)
                .then().statusCode(200).body("contentType", org.hamcrest.Matchers.startsWith("text/markdown"));

        // curl --data-binary sends application/x-www-form-urlencoded: that says nothing about the file
        byte[] text = "Plain text sent the way curl sends a body by default, with a form's media type.\n"
                .getBytes(StandardCharsets.UTF_8);
        String form = given().auth().oauth2(token(tenant))
                .config(io.restassured.RestAssured.config().encoderConfig(io.restassured.config.EncoderConfig.encoderConfig()
                        .encodeContentTypeAs("application/x-www-form-urlencoded", ContentType.BINARY)))
                .contentType("application/x-www-form-urlencoded").body(text)
                .queryParam("name", "plain").queryParam("wait", true).when().post("/api/v1/ingest")
                .then().statusCode(201).body("contentType", org.hamcrest.Matchers.nullValue()).extract().path("rootHash");
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + form + "/content")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/plain"));

        byte[] noise = new byte[1000];
        new Random(11).nextBytes(noise);
        noise[0] = 0; // never UTF-8 text
        String opaque = given().auth().oauth2(token(tenant)).contentType("application/octet-stream").body(noise)
                .queryParam("name", "noise.txt").queryParam("wait", true).when().post("/api/v1/ingest")
                .then().statusCode(201).extract().path("rootHash");
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + opaque + "/content")
                .then().statusCode(200).contentType("application/octet-stream");
    }

    @Test
    void reingestingKnownContentOnlyPinsIt() {
        int tenant = TENANTS.incrementAndGet();
        byte[] input = "A line long enough to be a composite atom of several BPE tokens, repeated.\n".repeat(300)
                .getBytes(StandardCharsets.UTF_8);
        ingest(tenant, "a.txt", input);
        long atomsBefore = TestingStore.count(db, "SELECT COUNT(*) FROM dbo.Atom WHERE TenantId = " + tenant);
        Map<String, Object> again = ingest(tenant, "copy-of-a.txt", input);
        assertThat(again).containsEntry("atomsCreated", 0);
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.Atom WHERE TenantId = " + tenant)).isEqualTo(atomsBefore);
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.AtomRoot WHERE TenantId = " + tenant)).isEqualTo(2);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
    }

    @Test
    void unpinMakesAtomsDeadAndGcRemovesOnlyThose() {
        int tenant = TENANTS.incrementAndGet();
        byte[] shared = "Shared paragraph text that both documents contain, long enough to be composite.\n".repeat(20)
                .getBytes(StandardCharsets.UTF_8);
        byte[] a = concat(shared, "Only in A: a distinct ending line that is also longer than sixty-four bytes.\n");
        byte[] b = concat(shared, "Only in B: another distinct ending line, also longer than sixty-four bytes!\n");
        String rootA = (String) ingest(tenant, "a.txt", a).get("rootHash");
        String rootB = (String) ingest(tenant, "b.txt", b).get("rootHash");

        given().auth().oauth2(token(tenant)).when().delete("/api/v1/roots/" + rootA)
                .then().statusCode(200).body("pinsRemoved", equalTo(1));
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        given().auth().oauth2(token(tenant)).when().get("/api/v1/stats")
                .then().statusCode(200).body("deadAtoms", greaterThan(0));

        given().auth().oauth2(token(tenant)).when().post("/api/v1/admin/gc")
                .then().statusCode(200).body("deleted", greaterThan(0)).body("complete", equalTo(true));
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.Atom WHERE ReferenceCount = 0 AND TenantId = " + tenant))
                .isZero();
        assertThat(content(tenant, rootB)).isEqualTo(b);
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + rootA).then().statusCode(404);
        given().auth().oauth2(token(tenant)).when().delete("/api/v1/roots/" + rootA).then().statusCode(404);

        // ingesting A again resurrects nothing stale: the counts stay exact
        ingest(tenant, "a.txt", a);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        assertThat(content(tenant, rootA)).isEqualTo(a);
    }

    @Test
    void deadContentReferencedAgainComesBackToLife() {
        int tenant = TENANTS.incrementAndGet();
        byte[] a = "Some content that will be unpinned and then referenced again later on, twice.\n".repeat(30)
                .getBytes(StandardCharsets.UTF_8);
        String root = (String) ingest(tenant, "a.txt", a).get("rootHash");
        given().auth().oauth2(token(tenant)).when().delete("/api/v1/roots/" + root).then().statusCode(200);
        ingest(tenant, "again.txt", a); // known root: pinned again, its subtree must count again
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        given().auth().oauth2(token(tenant)).when().post("/api/v1/admin/gc").then().statusCode(200);
        assertThat(content(tenant, root)).isEqualTo(a);
    }

    @Test
    void statsFollowTheContract() {
        int tenant = TENANTS.incrementAndGet();
        ingest(tenant, "s.txt", "statistics text line long enough to be composite of tokens and nothing else\n".repeat(10).getBytes());
        given().auth().oauth2(token(tenant)).when().get("/api/v1/stats")
                .then().statusCode(200)
                .body("atoms", greaterThan(0)).body("compositions", greaterThan(0))
                .body("bytesIngested", greaterThan(0)).body("bytesStored", greaterThan(0))
                .body("deadAtoms", equalTo(0)).body("byModality.text.atoms", greaterThan(0));
    }

    @Test
    void anotherTenantsHashIsNotFoundAnywhere() {
        int owner = TENANTS.incrementAndGet();
        int intruder = TENANTS.incrementAndGet();
        byte[] secret = "tenant secret document, long enough to be a composite atom with tokens.\n".repeat(5).getBytes();
        Map<String, Object> job = ingest(owner, "secret.txt", secret);
        String root = (String) job.get("rootHash");
        for (String path : new String[]{"", "/content", "/components"}) {
            given().auth().oauth2(token(intruder)).when().get("/api/v1/atoms/" + root + path)
                    .then().statusCode(404).contentType("application/problem+json");
        }
        given().auth().oauth2(token(intruder)).when().delete("/api/v1/roots/" + root).then().statusCode(404);
        given().auth().oauth2(token(intruder)).when().get("/api/v1/jobs/" + job.get("jobId")).then().statusCode(404);
        // the intruder ingesting the same bytes gets its own atoms, learning nothing
        assertThat(ingest(intruder, "guess.txt", secret).get("atomsCreated")).isNotEqualTo(0);
    }

    @Test
    void rejectsBadInputWithProblems() {
        int tenant = TENANTS.incrementAndGet();
        given().auth().oauth2(token(tenant)).body(new byte[0]).queryParam("name", "empty.txt")
                .when().post("/api/v1/ingest").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("empty"));
        for (String name : new String[]{"../etc/passwd", "/abs/path", "a\u0000b", "bad\nname", "x".repeat(300), ""}) {
            given().auth().oauth2(token(tenant)).body("data".getBytes()).queryParam("name", name)
                    .when().post("/api/v1/ingest").then().statusCode(400).contentType("application/problem+json");
        }
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/not-a-hash").then().statusCode(400);
        given().auth().oauth2(TestingTokens.token(tenant, "search")).body("x".getBytes()).queryParam("name", "x")
                .when().post("/api/v1/ingest").then().statusCode(403);
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.Atom WHERE TenantId = " + tenant)).isZero();
    }

    @Test
    void knownContentIsPinnedByItsHashWithoutAnUpload() {
        int tenant = TENANTS.incrementAndGet();
        int other = TENANTS.incrementAndGet();
        byte[] input = "Known content is pinned by its hash alone.\nNo upload needed.\n".getBytes(StandardCharsets.UTF_8);
        String hash = ContentHash.sha256(input).hex();
        given().auth().oauth2(token(tenant)).body(input).queryParam("name", "first.txt").queryParam("wait", true)
                .when().post("/api/v1/ingest").then().statusCode(201);
        long atomsBefore = TestingStore.count(db, "SELECT COUNT(*) FROM dbo.Atom WHERE TenantId = " + tenant);

        String jobId = given().auth().oauth2(token(tenant)).queryParam("sha256", hash.toUpperCase()).queryParam("name", "copy.txt")
                .when().post("/api/v1/ingest/known").then().statusCode(201)
                .body("status", equalTo("Completed")).body("rootHash", equalTo(hash)).body("atomsCreated", equalTo(0))
                .body("bytes", equalTo(input.length)).body("name", equalTo("copy.txt"))
                .extract().path("jobId");
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.Atom WHERE TenantId = " + tenant)).isEqualTo(atomsBefore);
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.AtomRoot WHERE TenantId = " + tenant
                + " AND SourceName = 'copy.txt' AND JobId = '" + jobId + "'")).isEqualTo(1);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        // its own lineage: the pin is an ingestion activity of its own
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + hash + "/lineage").then().statusCode(200)
                .body(containsString(jobId));

        // unknown content, another tenant's content, bad parameters
        given().auth().oauth2(token(tenant)).queryParam("sha256", "0".repeat(64)).queryParam("name", "x.txt")
                .when().post("/api/v1/ingest/known").then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("upload it"));
        given().auth().oauth2(token(other)).queryParam("sha256", hash).queryParam("name", "stolen.txt")
                .when().post("/api/v1/ingest/known").then().statusCode(404).contentType("application/problem+json");
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.AtomRoot WHERE TenantId = " + other)).isZero();
        given().auth().oauth2(token(tenant)).queryParam("sha256", "abc").queryParam("name", "x.txt")
                .when().post("/api/v1/ingest/known").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(token(tenant)).queryParam("sha256", hash).queryParam("name", "../x")
                .when().post("/api/v1/ingest/known").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(TestingTokens.token(tenant, "search")).queryParam("sha256", hash).queryParam("name", "x.txt")
                .when().post("/api/v1/ingest/known").then().statusCode(403);
    }

    @Test
    void largeUploadBecomesABackgroundJob() {
        int tenant = TENANTS.incrementAndGet();
        byte[] input = new byte[3_000_000];
        new Random(9).nextBytes(input);
        String location = given().auth().oauth2(token(tenant)).body(input).queryParam("name", "big.bin")
                .when().post("/api/v1/ingest").then().statusCode(202).extract().header("Location");
        String status = "";
        for (int i = 0; i < 600 && !status.equals("Completed"); i++) {
            status = given().auth().oauth2(token(tenant)).when().get(location).then().statusCode(200)
                    .extract().path("status");
            sleep(100);
        }
        assertThat(status).isEqualTo("Completed");
        assertThat(content(tenant, ContentHash.sha256(input).hex())).isEqualTo(input);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
    }

    private static byte[] concat(byte[] a, String b) {
        byte[] tail = b.getBytes(StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(a, a.length + tail.length);
        System.arraycopy(tail, 0, out, a.length, tail.length);
        return out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
