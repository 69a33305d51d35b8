package io.hartonomous.atom.ingest;

import io.hartonomous.atom.atomize.TestingTar;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.hartonomous.common.testing.TestingTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.hartonomous.atom.ingest.ArchiveIngestTest.tar;
import static io.hartonomous.atom.ingest.CorpusRoundTripTest.resource;
import static io.hartonomous.atom.ingest.CorpusRoundTripTest.sha256;
import static io.hartonomous.atom.ingest.TestingIngest.atoms;
import static io.hartonomous.atom.ingest.TestingIngest.content;
import static io.hartonomous.atom.ingest.TestingIngest.live;
import static io.hartonomous.atom.ingest.TestingIngest.pins;
import static io.hartonomous.atom.ingest.TestingIngest.post;
import static io.hartonomous.atom.ingest.TestingIngest.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Batches: many files in one tar upload ({@code POST /api/v1/ingest/batch}), each a root of its
 * own under its path, the archive not kept; and many known contents pinned by hash in one request
 * ({@code POST /api/v1/ingest/known/batch}). Archives are made by the system's GNU tar from real
 * files; hostile ones by hand.
 */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class BatchIngestTest {

    private static final Map<String, String> FILES = new LinkedHashMap<>();

    static {
        FILES.putAll(ArchiveIngestTest.FILES);
        // the same bytes under a second name
        FILES.put("copy/of/Objects.java", "Objects.java");
    }

    @Inject
    Database db;

    static Response batch(int tenant, byte[] tar, String prefix) {
        var request = given().auth().oauth2(token(tenant)).contentType("application/x-tar").body(tar)
                .queryParam("wait", true);
        if (prefix != null) {
            request.queryParam("prefix", prefix);
        }
        return request.when().post("/api/v1/ingest/batch");
    }

    static Response known(int tenant, List<Map<String, String>> files) {
        return given().auth().oauth2(token(tenant)).contentType("application/json").body(Map.of("files", files))
                .when().post("/api/v1/ingest/known/batch");
    }

    @Test
    void eachFileOfABatchIsARootOfItsOwnAndTheArchiveIsNotKept() throws Exception {
        int tenant = 7201;
        byte[] tar = tar(FILES);
        JsonPath job = batch(tenant, tar, "release-1").then().statusCode(201)
                .body("status", equalTo("Completed")).body("batch", equalTo(true)).body("modality", equalTo("batch"))
                .body("rootHash", equalTo(sha256(tar))).body("roots", equalTo(FILES.size()))
                .extract().jsonPath();

        for (Map.Entry<String, String> f : FILES.entrySet()) {
            byte[] file = resource(f.getValue());
            String hash = sha256(file);
            assertThat(content(tenant, hash)).as(f.getKey()).isEqualTo(file);
            assertThat(TestingStore.count(db, """
                    SELECT COUNT(*) FROM dbo.AtomRoot WHERE TenantId = %d AND encode(RootHash, 'hex') = '%s'
                      AND SourceName = '%s'""".formatted(tenant, hash, "release-1/" + f.getKey())))
                    .as("pin of %s", f.getKey()).isEqualTo(1);
        }
        // the archive is not an atom; nothing of its framing was written, so nothing is dead
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha256(tar)).then().statusCode(404);
        given().auth().oauth2(token(tenant)).when().get("/api/v1/stats").then().statusCode(200)
                .body("deadAtoms", equalTo(0));
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha256(resource("Objects.java")))
                .then().statusCode(200).body("modality", equalTo("code"));
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();

        // the job lists its roots, paged
        String jobId = job.getString("jobId");
        JsonPath page = given().auth().oauth2(token(tenant)).queryParam("limit", 4).when()
                .get("/api/v1/jobs/" + jobId + "/roots").then().statusCode(200).extract().jsonPath();
        assertThat(page.getList("roots.name")).containsExactly("release-1/docs/GPL-3.txt",
                "release-1/src/main/java/java/util/Objects.java", "release-1/data/debian.csv", "release-1/tools/colorsys.py");
        assertThat(page.getLong("roots[1].bytes")).isEqualTo(resource("Objects.java").length);
        assertThat(page.getString("roots[1].rootHash")).isEqualTo(sha256(resource("Objects.java")));
        given().auth().oauth2(token(tenant)).queryParam("offset", 4).when().get("/api/v1/jobs/" + jobId + "/roots")
                .then().statusCode(200).body("roots.size()", equalTo(2));
        given().auth().oauth2(token(tenant + 1)).when().get("/api/v1/jobs/" + jobId + "/roots").then().statusCode(404);

        // lineage: each file was extracted from the batch the job used
        JsonPath lineage = given().auth().oauth2(token(tenant)).when()
                .get("/api/v1/atoms/" + sha256(resource("colorsys.py")) + "/lineage").then().statusCode(200)
                .extract().jsonPath();
        assertThat(lineage.getString("activities[0].jobId")).isEqualTo(jobId);
        assertThat(lineage.getString("activities[0].used[0].sha256")).isEqualTo(sha256(tar));
        assertThat(lineage.getString("wasDerivedFrom[0].type")).isEqualTo("extraction");

        // the same batch again writes no atom and atomizes no file again (the tenant has them all):
        // each is hashed and pinned under its new name; unpinning a content shared by two names drops both pins
        long before = atoms(db, tenant);
        String again = batch(tenant, tar, "release-2").then().statusCode(201).body("atomsCreated", equalTo(0))
                .body("atomsReused", equalTo(0)).body("roots", equalTo(FILES.size())).extract().path("jobId");
        assertThat(atoms(db, tenant)).isEqualTo(before);
        assertThat(TestingStore.count(db, "SELECT CurrentAtomOffset FROM dbo.IngestionJob WHERE JobId = '" + again + "'"))
                .as("atom nodes the second batch processed").isZero();
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.AtomRoot WHERE TenantId = " + tenant
                + " AND SourceName LIKE 'release-2/%'")).isEqualTo(FILES.size());
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.IngestionJob WHERE JobId = '" + again
                + "' AND PendingHashes IS NULL AND JobStatus = 'Completed'")).isEqualTo(1);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        for (Map.Entry<String, String> f : FILES.entrySet()) {
            assertThat(content(tenant, sha256(resource(f.getValue())))).as(f.getKey()).isEqualTo(resource(f.getValue()));
        }
        String objects = sha256(resource("Objects.java"));
        given().auth().oauth2(token(tenant)).when().delete("/api/v1/roots/" + objects).then().statusCode(200);
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.AtomRoot WHERE TenantId = " + tenant
                + " AND encode(RootHash, 'hex') = '" + objects + "'")).isZero();
        assertThat(live(db, tenant)).doesNotContainKey(objects).containsKey(sha256(resource("colorsys.py")));
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
    }

    @Test
    void filesOfABatchAndPartsOfFilesAreServedWithTheMediaTypeTheirBytesShow() throws Exception {
        int tenant = 7209;
        Map<String, String> files = new LinkedHashMap<>();
        files.put("img/python.png", "python.png");
        files.put("docs/GPL-3.txt", "GPL-3.txt");
        files.put("data/debian.csv", "debian.csv");
        files.put("sound/pluck.wav", "pluck-pcm16.wav");
        batch(tenant, tar(files), null).then().statusCode(201).body("status", equalTo("Completed"));
        Map<String, String> expected = Map.of("python.png", "image/png", "GPL-3.txt", "text/plain;charset=utf-8",
                "debian.csv", "text/csv;charset=utf-8", "pluck-pcm16.wav", "audio/wav");
        for (String file : files.values()) {
            String type = given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha256(resource(file)) + "/content")
                    .then().statusCode(200).extract().contentType();
            assertThat(type.replace(" ", "").toLowerCase(java.util.Locale.ROOT)).as(file).isEqualTo(expected.get(file));
        }
        // a part of a file: its first component, a block of lines of text
        String part = given().auth().oauth2(token(tenant)).queryParam("limit", 1).when()
                .get("/api/v1/atoms/" + sha256(resource("GPL-3.txt")) + "/components").then().statusCode(200)
                .extract().path("components[0].hash");
        given().auth().oauth2(token(tenant)).header("Range", "bytes=0-9").when().get("/api/v1/atoms/" + part + "/content")
                .then().statusCode(206).contentType(org.hamcrest.Matchers.startsWith("text/plain"));
    }

    @Test
    void filesTheTenantHasAreReusedAndNamesAreKept() throws Exception {
        int tenant = 7202;
        post(tenant, "GPL-3.txt", resource("GPL-3.txt")).then().statusCode(201);
        long before = atoms(db, tenant);
        byte[] tar = tar(Map.of("licence/GPL-3.txt", "GPL-3.txt"));
        batch(tenant, tar, null).then().statusCode(201).body("atomsCreated", equalTo(0)).body("roots", equalTo(1));
        assertThat(atoms(db, tenant)).isEqualTo(before);
        given().auth().oauth2(token(tenant)).queryParam("size", 100).when().get("/api/v1/roots")
                .then().statusCode(200).body(containsString("licence/GPL-3.txt"));
    }

    @Test
    void aBatchAtomizesOnlyTheFilesTheTenantDoesNotHave() throws Exception {
        int tenant = 7206;
        batch(tenant, tar(Map.of("a/GPL-3.txt", "GPL-3.txt", "a/colorsys.py", "colorsys.py")), null).then().statusCode(201);
        String gpl = sha256(resource("GPL-3.txt"));
        String csv = sha256(resource("debian.csv"));
        assertThat(live(db, tenant)).containsEntry(gpl, 1L);
        long before = atoms(db, tenant);

        // one known file under two names, one new file
        Map<String, String> files = new LinkedHashMap<>();
        files.put("b/GPL-3.txt", "GPL-3.txt");
        files.put("b/data/debian.csv", "debian.csv");
        files.put("b/licence", "GPL-3.txt");
        JsonPath job = batch(tenant, tar(files), null).then().statusCode(201).body("roots", equalTo(3))
                .extract().jsonPath();

        assertThat(job.getLong("atomsCreated")).isPositive().isEqualTo(atoms(db, tenant) - before);
        // only the new file was atomized: the job processed as many nodes as a batch of that file alone
        long processed = TestingStore.count(db, "SELECT CurrentAtomOffset FROM dbo.IngestionJob WHERE JobId = '"
                + job.getString("jobId") + "'");
        int other = tenant + 1;
        String alone = batch(other, tar(Map.of("b/data/debian.csv", "debian.csv")), null).then().statusCode(201)
                .extract().path("jobId");
        assertThat(processed).isEqualTo(TestingStore.count(db, "SELECT CurrentAtomOffset FROM dbo.IngestionJob WHERE JobId = '"
                + alone + "'"));
        assertThat(live(db, tenant)).containsEntry(gpl, 3L).containsEntry(csv, 1L);
        assertThat(content(tenant, csv)).isEqualTo(resource("debian.csv"));
        assertThat(content(tenant, gpl)).isEqualTo(resource("GPL-3.txt"));
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.AtomRoot WHERE TenantId = " + tenant
                + " AND encode(RootHash, 'hex') = '" + gpl + "' AND SourceName IN ('b/GPL-3.txt', 'b/licence')")).isEqualTo(2);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        // another tenant's known content is not this tenant's: its batch atomizes everything
        assertThat(live(db, other)).containsEntry(csv, 1L).doesNotContainKey(gpl);
    }

    @Test
    void hostileBatchesAreRefusedAndLeaveNothingLive() throws Exception {
        int tenant = 7203;
        post(tenant, "baseline", resource("GPL-3.txt")).then().statusCode(201);
        Map<String, Long> liveBefore = live(db, tenant);
        long pinsBefore = pins(db, tenant);
        byte[] good = resource("colorsys.py");

        refused(tenant, hostile("../escape.py", good), "'..' segment");
        refused(tenant, hostile("/etc/cron.d/evil", good), "absolute path");
        refused(tenant, hostile("bad\u0007name.txt", good), "control characters");
        refused(tenant, "this is not a tar archive at all, just text".repeat(40).getBytes(StandardCharsets.UTF_8),
                "must be a tar archive");
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        TestingTar.entry(empty, "dir/", '5', new byte[0]);
        TestingTar.end(empty);
        refused(tenant, empty.toByteArray(), "holds no file");
        // cut inside the second file, after the first one was atomized
        byte[] tar = tar(FILES);
        refused(tenant, Arrays.copyOf(tar, 512 + (resource("GPL-3.txt").length + 511) / 512 * 512 + 512 + 1000), "truncated");

        assertThat(live(db, tenant)).isEqualTo(liveBefore);
        assertThat(pins(db, tenant)).isEqualTo(pinsBefore);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();

        // a bad prefix is refused before anything is read
        given().auth().oauth2(token(tenant)).contentType("application/x-tar").body(tar).queryParam("prefix", "../up")
                .when().post("/api/v1/ingest/batch").then().statusCode(400).contentType("application/problem+json");
    }

    private static byte[] hostile(String name, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TestingTar.entry(out, "fine.txt", '0', "a harmless first file\n".getBytes(StandardCharsets.UTF_8));
        TestingTar.entry(out, name, '0', data);
        TestingTar.end(out);
        return out.toByteArray();
    }

    private static void refused(int tenant, byte[] body, String reason) {
        batch(tenant, body, null).then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString(reason));
    }

    @Test
    void knownContentIsPinnedByHashManyAtOnce() throws Exception {
        int tenant = 7204;
        byte[] gpl = resource("GPL-3.txt");
        byte[] py = resource("colorsys.py");
        post(tenant, "GPL-3.txt", gpl).then().statusCode(201);
        post(tenant, "colorsys.py", py).then().statusCode(201);
        String unknown = sha256("never sent".getBytes(StandardCharsets.UTF_8));
        long atomsBefore = atoms(db, tenant);

        JsonPath answer = known(tenant, List.of(
                Map.of("sha256", sha256(gpl), "name", "licences/GPL-3.txt"),
                Map.of("sha256", sha256(py), "name", "tools/colorsys.py"),
                Map.of("sha256", sha256(py).toUpperCase(), "name", "tools/colorsys-copy.py"),
                Map.of("sha256", unknown, "name", "new.txt")))
                .then().statusCode(201).body("status", equalTo("Completed")).body("pinned", equalTo(3))
                .extract().jsonPath();
        assertThat(answer.getList("unknown")).containsExactly(unknown);
        assertThat(atoms(db, tenant)).isEqualTo(atomsBefore);
        String jobId = answer.getString("jobId");
        given().auth().oauth2(token(tenant)).when().get("/api/v1/jobs/" + jobId).then().statusCode(200)
                .body("roots", equalTo(3)).body("bytes", equalTo(gpl.length + py.length)).body("rootHash", equalTo(null));
        given().auth().oauth2(token(tenant)).when().get("/api/v1/jobs/" + jobId + "/roots").then().statusCode(200)
                .body("roots.name", org.hamcrest.Matchers.contains("licences/GPL-3.txt", "tools/colorsys.py",
                        "tools/colorsys-copy.py"));
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();

        // lineage: the job used each named content
        JsonPath lineage = given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha256(gpl) + "/lineage")
                .then().statusCode(200).extract().jsonPath();
        assertThat(lineage.getList("activities.jobId")).contains(jobId);
        assertThat(lineage.getList("activities.used.name").toString()).contains("licences/GPL-3.txt");

        // another tenant's hashes are unknown here: no job, no pin
        int other = 7205;
        long otherPins = pins(db, other);
        known(other, List.of(Map.of("sha256", sha256(gpl), "name", "GPL-3.txt"))).then().statusCode(200)
                .body("jobId", equalTo(null)).body("pinned", equalTo(0)).body("unknown", org.hamcrest.Matchers.contains(sha256(gpl)));
        assertThat(pins(db, other)).isEqualTo(otherPins);

        // bad requests: 400 problem+json, nothing pinned
        long pinsBefore = pins(db, tenant);
        known(tenant, List.of()).then().statusCode(400).contentType("application/problem+json");
        known(tenant, List.of(Map.of("sha256", "12ab", "name", "x"))).then().statusCode(400)
                .body("detail", containsString("files[0].sha256"));
        known(tenant, List.of(Map.of("sha256", sha256(gpl), "name", "ok"), Map.of("sha256", sha256(py), "name", "../up")))
                .then().statusCode(400).body("detail", containsString("files[1].name"));
        StringBuilder tooMany = new StringBuilder("{\"files\":[");
        for (int i = 0; i <= 10_000; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"sha256\":\"").append(sha256(gpl)).append("\",\"name\":\"copy-")
                    .append(i).append("\"}");
        }
        given().auth().oauth2(token(tenant)).contentType("application/json").body(tooMany.append("]}").toString())
                .when().post("/api/v1/ingest/known/batch").then().statusCode(400)
                .body("detail", containsString("At most 10000"));
        given().auth().oauth2(token(tenant)).queryParam("limit", 0).when().get("/api/v1/jobs/" + jobId + "/roots")
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(TestingTokens.token(tenant, "search")).contentType("application/json")
                .body(Map.of("files", List.of(Map.of("sha256", sha256(gpl), "name", "x"))))
                .when().post("/api/v1/ingest/known/batch").then().statusCode(403);
        assertThat(pins(db, tenant)).isEqualTo(pinsBefore);
    }
}
