package io.hartonomous.atom.relation;

import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.hartonomous.common.testing.TestingTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class RelationResourceTest {

    private static final AtomicInteger TENANTS = new AtomicInteger(500);

    private static String token(int tenant) {
        return TestingTokens.token(tenant, "ingest", "search");
    }

    /** Ingests a small text and returns its root hash. */
    private static String atom(int tenant, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        given().auth().oauth2(token(tenant)).contentType("text/plain").body(body)
                .queryParam("name", "t.txt").queryParam("wait", true)
                .when().post("/api/v1/ingest").then().statusCode(201);
        return ContentHash.sha256(body).hex();
    }

    private static io.restassured.response.ValidatableResponse create(int tenant, Map<String, Object> body) {
        return given().auth().oauth2(token(tenant)).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/relations").then();
    }

    @Test
    void createsOnceListsBothWaysAndDeletes() {
        int tenant = TENANTS.incrementAndGet();
        String a = atom(tenant, "first atom of a relation test, long enough to be a composite of tokens\n");
        String b = atom(tenant, "second atom of a relation test, also long enough to be a composite\n");

        JsonPath created = create(tenant, Map.of("source", a, "target", b, "type", "similar_to", "weight", 0.3,
                "confidence", 0.75, "importance", 1))
                .statusCode(201).header("Location", containsString("/api/v1/relations/")).extract().jsonPath();
        long id = created.getLong("id");
        assertThat(created.getString("source")).isEqualTo(a);
        assertThat(created.getString("target")).isEqualTo(b);
        assertThat(created.getDouble("weight")).isEqualTo(0.3);
        assertThat(created.getDouble("confidence")).isEqualTo(0.75);
        assertThat(created.getBoolean("system")).isTrue();

        // the same source, target and type: the existing relation, unchanged
        create(tenant, Map.of("source", a, "target", b, "type", "similar_to", "weight", 0.9))
                .statusCode(200).body("id", equalTo((int) id)).body("weight", equalTo(0.3f));
        JsonPath custom = create(tenant, Map.of("source", b, "target", a, "type", "cites_as_example"))
                .statusCode(201).body("system", equalTo(false)).extract().jsonPath();

        given().auth().oauth2(TestingTokens.token(tenant, "search")).queryParam("source", a)
                .when().get("/api/v1/relations").then().statusCode(200)
                .body("relations.size()", equalTo(1)).body("relations[0].id", equalTo((int) id));
        given().auth().oauth2(token(tenant)).queryParam("target", a)
                .when().get("/api/v1/relations").then().statusCode(200)
                .body("relations.size()", equalTo(1)).body("relations[0].type", equalTo("cites_as_example"));
        given().auth().oauth2(token(tenant)).queryParam("source", a).queryParam("target", b).queryParam("type", "contradicts")
                .when().get("/api/v1/relations").then().statusCode(200).body("relations.size()", equalTo(0));
        given().auth().oauth2(token(tenant)).queryParam("target", a).queryParam("size", 1)
                .when().get("/api/v1/relations").then().statusCode(200).body("hasMore", equalTo(false));

        given().auth().oauth2(token(tenant)).when().delete("/api/v1/relations/" + custom.getLong("id"))
                .then().statusCode(204);
        given().auth().oauth2(token(tenant)).when().delete("/api/v1/relations/" + custom.getLong("id"))
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(token(tenant)).when().get("/api/v1/relations/" + id).then().statusCode(200)
                .body("type", equalTo("similar_to"));
    }

    @Test
    void rejectsBadValuesWith422AndBadInputWith400() {
        int tenant = TENANTS.incrementAndGet();
        String a = atom(tenant, "an atom for validation tests of relations, long enough\n");
        String b = atom(tenant, "another atom for validation tests of relations, long enough\n");
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("source", a, "target", b, "type", "similar_to", "weight", 1.5),
                Map.of("source", a, "target", b, "type", "similar_to", "confidence", -0.1),
                Map.of("source", a, "target", b, "type", "similar_to", "importance", "NaN"),
                Map.of("source", a, "target", b, "type", "similar_to", "weight", "Infinity"),
                Map.of("source", a, "target", b, "type", "Similar-To"),
                Map.of("source", a, "target", b, "type", "x".repeat(129)),
                Map.of("source", a, "target", b),
                Map.of("source", a, "target", a, "type", "similar_to"))) {
            create(tenant, bad).statusCode(422).contentType("application/problem+json")
                    .body("code", equalTo("unprocessable_content"));
        }
        create(tenant, Map.of("source", a, "target", b, "type", "x".repeat(128))).statusCode(201);
        // 1e400 overflows a double to Infinity
        given().auth().oauth2(token(tenant)).contentType(ContentType.JSON)
                .body("{\"source\":\"" + a + "\",\"target\":\"" + b + "\",\"type\":\"influences\",\"weight\":1e400}")
                .when().post("/api/v1/relations").then().statusCode(422).body("detail", containsString("weight"));
        create(tenant, Map.of("source", "abc", "target", b, "type", "similar_to")).statusCode(400);
        given().auth().oauth2(token(tenant)).when().get("/api/v1/relations").then().statusCode(400);
        given().auth().oauth2(TestingTokens.token(tenant, "search")).contentType(ContentType.JSON)
                .body(Map.of("source", a, "target", b, "type", "similar_to"))
                .when().post("/api/v1/relations").then().statusCode(403);
    }

    @Test
    void anotherTenantsAtomsAndRelationsAnswer404() {
        int owner = TENANTS.incrementAndGet();
        int intruder = TENANTS.incrementAndGet();
        String a = atom(owner, "owner's first atom, long enough to be several tokens\n");
        String b = atom(owner, "owner's second atom, long enough to be several tokens\n");
        String mine = atom(intruder, "intruder's own atom, long enough to be several tokens\n");
        long id = create(owner, Map.of("source", a, "target", b, "type", "influences"))
                .statusCode(201).extract().jsonPath().getLong("id");

        create(intruder, Map.of("source", mine, "target", a, "type", "influences")).statusCode(404)
                .contentType("application/problem+json");
        create(intruder, Map.of("source", a, "target", b, "type", "influences")).statusCode(404);
        given().auth().oauth2(token(intruder)).queryParam("source", a).when().get("/api/v1/relations")
                .then().statusCode(404);
        given().auth().oauth2(token(intruder)).queryParam("source", mine).queryParam("target", b)
                .when().get("/api/v1/relations").then().statusCode(404);
        given().auth().oauth2(token(intruder)).when().get("/api/v1/relations/" + id).then().statusCode(404);
        given().auth().oauth2(token(intruder)).when().delete("/api/v1/relations/" + id).then().statusCode(404);
        given().auth().oauth2(token(owner)).when().get("/api/v1/relations/" + id).then().statusCode(200);
    }

    @Test
    void listsTheTenantsRootsNewestFirst() {
        int tenant = TENANTS.incrementAndGet();
        String first = atom(tenant, "the first ingested file of the roots listing test\n");
        String second = atom(tenant, "the second ingested file of the roots listing test\n");
        JsonPath roots = given().auth().oauth2(token(tenant)).when().get("/api/v1/roots")
                .then().statusCode(200).extract().jsonPath();
        assertThat(roots.getList("roots.hash")).containsExactly(second, first);
        assertThat(roots.getString("roots[0].sourceName")).isEqualTo("t.txt");
        assertThat(roots.getString("roots[0].modality")).isEqualTo("text");
        assertThat(roots.getString("roots[0].jobId")).isNotNull();
        assertThat(roots.getInt("roots[0].size")).isEqualTo(51);
        given().auth().oauth2(token(tenant)).queryParam("size", 1).when().get("/api/v1/roots")
                .then().statusCode(200).body("roots.size()", equalTo(1)).body("hasMore", equalTo(true));
        given().auth().oauth2(token(TENANTS.incrementAndGet())).when().get("/api/v1/roots")
                .then().statusCode(200).body("roots.size()", equalTo(0));
    }
}
