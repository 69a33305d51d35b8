package io.hartonomous.atom.ingest;

import io.hartonomous.atom.atomize.TestingCorpus;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

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

/**
 * Tenants see only their own store (DESIGN.md: dedup is per tenant; another tenant's atom answers
 * 404, not 403 — a 403 would confirm it exists). Tenant B holds every role, admin included.
 */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class IsolationTest {

    private static final AtomicInteger TENANTS = new AtomicInteger(33_000);

    @Inject
    Database db;

    /** What tenant A ingested: the job answers and every hash of its trees. */
    private record Holdings(List<Map<String, Object>> jobs, List<String> hashes) {
    }

    private Holdings ingestAsA(int a) {
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (var file : Map.of("secret.txt", resource("GPL-3.txt"), "logo.png", resource("python.png"),
                "weights.safetensors", TestingCorpus.safetensors()).entrySet()) {
            jobs.add(post(a, file.getKey(), file.getValue()).then().statusCode(201).extract().jsonPath().getMap(""));
        }
        List<String> hashes = new ArrayList<>();
        var rows = db.pool().query("SELECT encode(ContentHash, 'hex') FROM dbo.Atom WHERE TenantId = " + a
                + " ORDER BY ContentLength DESC, AtomId FETCH FIRST 40 ROWS ONLY").execute()
                .await().atMost(java.time.Duration.ofSeconds(30));
        rows.forEach(r -> hashes.add(r.getString(0)));
        return new Holdings(jobs, hashes);
    }

    @Test
    void anotherTenantsAtomsJobsAndRootsAnswer404() {
        int a = TENANTS.incrementAndGet();
        int b = TENANTS.incrementAndGet();
        Holdings held = ingestAsA(a);
        Map<String, Long> liveOfA = live(db, a);
        String tokenB = token(b);

        // the roots, the raster view, inner composites and leaves: none is visible to B
        assertThat(held.hashes()).hasSizeGreaterThan(10);
        for (String hash : held.hashes()) {
            given().auth().oauth2(tokenB).when().get("/api/v1/atoms/" + hash)
                    .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
            given().auth().oauth2(tokenB).when().get("/api/v1/atoms/" + hash + "/content")
                    .then().statusCode(404).contentType("application/problem+json");
            given().auth().oauth2(tokenB).header("Range", "bytes=0-0").when().get("/api/v1/atoms/" + hash + "/content")
                    .then().statusCode(404).contentType("application/problem+json");
            given().auth().oauth2(tokenB).queryParam("offset", 1).queryParam("limit", 1)
                    .when().get("/api/v1/atoms/" + hash + "/components")
                    .then().statusCode(404).contentType("application/problem+json");
        }
        for (Map<String, Object> job : held.jobs()) {
            String root = (String) job.get("rootHash");
            given().auth().oauth2(tokenB).when().delete("/api/v1/roots/" + root)
                    .then().statusCode(404).contentType("application/problem+json")
                    .body("detail", containsString(root));
            given().auth().oauth2(tokenB).when().get("/api/v1/jobs/" + job.get("jobId"))
                    .then().statusCode(404).contentType("application/problem+json");
        }
        // B's garbage collection and statistics see nothing of A
        given().auth().oauth2(tokenB).when().post("/api/v1/admin/gc").then().statusCode(200).body("deleted", equalTo(0));
        given().auth().oauth2(tokenB).when().get("/api/v1/stats")
                .then().statusCode(200).body("atoms", equalTo(0)).body("compositions", equalTo(0))
                .body("bytesIngested", equalTo(0)).body("deadAtoms", equalTo(0)).body("ingestions", equalTo(0));
        assertThat(live(db, a)).isEqualTo(liveOfA);
        for (Map<String, Object> job : held.jobs()) {
            given().auth().oauth2(token(a)).when().get("/api/v1/atoms/" + job.get("rootHash"))
                    .then().statusCode(200).body("referenceCount", equalTo(1));
        }
    }

    @Test
    void theSameBytesGiveEachTenantItsOwnAtoms() {
        int a = TENANTS.incrementAndGet();
        int b = TENANTS.incrementAndGet();
        byte[] secret = resource("GPL-3.txt");
        String root = sha256(secret);
        Map<String, Object> jobA = post(a, "secret.txt", secret).then().statusCode(201).extract().jsonPath().getMap("");
        Map<String, Long> liveOfA = live(db, a);
        long statsAtomsOfA = given().auth().oauth2(token(a)).when().get("/api/v1/stats")
                .then().statusCode(200).extract().jsonPath().getLong("atoms");

        // B learns nothing: it creates every atom itself and reuses none of A's
        Map<String, Object> jobB = post(b, "guess.txt", secret).then().statusCode(201).extract().jsonPath().getMap("");
        assertThat(jobB).containsEntry("rootHash", root).containsEntry("atomsReused", jobA.get("atomsReused"))
                .containsEntry("atomsCreated", jobA.get("atomsCreated"));
        assertThat(atoms(db, b)).isEqualTo(((Number) jobB.get("atomsCreated")).longValue());
        assertThat(live(db, a)).isEqualTo(liveOfA);
        given().auth().oauth2(token(b)).when().get("/api/v1/stats")
                .then().statusCode(200).body("atoms", equalTo((int) statsAtomsOfA)).body("ingestions", equalTo(1));
        given().auth().oauth2(token(a)).when().get("/api/v1/stats")
                .then().statusCode(200).body("atoms", equalTo((int) statsAtomsOfA)).body("ingestions", equalTo(1));

        // A unpins: its atoms die; B's collection cannot remove them, A's does; B's copy stays whole
        given().auth().oauth2(token(a)).when().delete("/api/v1/roots/" + root).then().statusCode(200);
        long deadOfA = TestingStore.count(db, "SELECT COUNT(*) FROM dbo.Atom WHERE ReferenceCount = 0 AND TenantId = " + a);
        assertThat(deadOfA).isPositive();
        given().auth().oauth2(token(b)).when().post("/api/v1/admin/gc").then().statusCode(200).body("deleted", equalTo(0));
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM dbo.Atom WHERE ReferenceCount = 0 AND TenantId = " + a))
                .isEqualTo(deadOfA);
        given().auth().oauth2(token(a)).when().post("/api/v1/admin/gc").then().statusCode(200);
        assertThat(atoms(db, a)).isZero();
        assertThat(content(b, root)).isEqualTo(secret);
        given().auth().oauth2(token(b)).when().get("/api/v1/atoms/" + root)
                .then().statusCode(200).body("referenceCount", equalTo(1));
        given().auth().oauth2(token(a)).when().get("/api/v1/atoms/" + root).then().statusCode(404);
        assertThat(TestingStore.countMismatches(db, a)).isEmpty();
        assertThat(TestingStore.countMismatches(db, b)).isEmpty();
    }

    /** Content that only overlaps another tenant's still gets all of its atoms created for B. */
    @Test
    void overlappingContentIsNotDeduplicatedAcrossTenants() {
        int a = TENANTS.incrementAndGet();
        int b = TENANTS.incrementAndGet();
        byte[] shared = resource("Apache-2.0");
        post(a, "license", shared).then().statusCode(201);
        byte[] extended = TestingCorpus.concat(shared, "\nAppendix only tenant B has.\n".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> job = post(b, "license-b", extended).then().statusCode(201).extract().jsonPath().getMap("");
        assertThat(((Number) job.get("atomsCreated")).longValue()).isEqualTo(atoms(db, b));
        // what B stores is what B alone would store: the same as a fresh tenant ingesting it
        int c = TENANTS.incrementAndGet();
        Map<String, Object> alone = post(c, "license-c", extended).then().statusCode(201).extract().jsonPath().getMap("");
        assertThat(job.get("atomsCreated")).isEqualTo(alone.get("atomsCreated"));
        assertThat(job.get("atomsReused")).isEqualTo(alone.get("atomsReused"));
    }

    /** A token without a usable tenant claim gets nothing, not some default tenant's data. */
    @Test
    void aTokenWithoutTenantSeesNoStore() {
        int a = TENANTS.incrementAndGet();
        String root = (String) post(a, "secret.txt", resource("tzdata-copyright")).then().statusCode(201)
                .extract().path("rootHash");
        long now = java.time.Instant.now().getEpochSecond();
        for (String tenantClaim : new String[]{"", ",\"tenant\":0", ",\"tenant\":-" + a, ",\"tenant\":\"" + a + "x\""}) {
            String token = io.hartonomous.common.testing.TestingTokens.tokenWithClaims(
                    "{\"iss\":\"hartonomous\",\"sub\":\"x\",\"upn\":\"x\",\"groups\":[\"ingest\",\"search\",\"admin\"]"
                            + tenantClaim + ",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}");
            int status = given().auth().oauth2(token).when().get("/api/v1/atoms/" + root).then().extract().statusCode();
            assertThat(status).as("tenant claim '%s'", tenantClaim).isIn(401, 403, 404);
        }
    }
}
