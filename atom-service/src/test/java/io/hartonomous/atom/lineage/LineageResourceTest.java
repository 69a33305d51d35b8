package io.hartonomous.atom.lineage;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.hartonomous.common.testing.TestingTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class LineageResourceTest {

    private static final AtomicInteger TENANTS = new AtomicInteger(300);

    @Inject
    Database db;

    private static String token(int tenant) {
        return TestingTokens.token(tenant, "ingest", "search");
    }

    static Map<String, Object> ingest(int tenant, String name, String type, byte[] body) {
        return given().auth().oauth2(token(tenant)).contentType(type).body(body)
                .queryParam("name", name).queryParam("wait", true)
                .when().post("/api/v1/ingest")
                .then().statusCode(201).extract().jsonPath().getMap("");
    }

    private static JsonPath lineage(int tenant, String hash) {
        return given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + hash + "/lineage")
                .then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath();
    }

    private static byte[] text() {
        return "The lineage of a line of text, long enough to be split into several tokens.\n".repeat(40)
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSourceSentWithoutAMediaTypeIsRecordedWithTheOneItsBytesShow() {
        int tenant = TENANTS.incrementAndGet();
        byte[] input = "A plain line of prose that a reader would call text and nothing else.\n".repeat(30)
                .getBytes(StandardCharsets.UTF_8);
        String root = ContentHash.sha256(input).hex();
        ingest(tenant, "story", "application/octet-stream", input);
        assertThat(lineage(tenant, root).getString("activities[0].used[0].mediaType")).isEqualTo("text/plain; charset=utf-8");
    }

    @Test
    void lineageNamesTheJobTheSourceAndTheAgentOfTheRoot() {
        int tenant = TENANTS.incrementAndGet();
        byte[] input = text();
        String root = ContentHash.sha256(input).hex();
        String jobId = (String) ingest(tenant, "story.txt", "text/plain", input).get("jobId");

        JsonPath l = lineage(tenant, root);
        assertThat(l.getInt("totalRoots")).isEqualTo(1);
        assertThat(l.getBoolean("truncated")).isFalse();
        assertThat(l.getString("roots[0].hash")).isEqualTo(root);
        assertThat(l.getBoolean("roots[0].self")).isTrue();
        assertThat(l.getString("roots[0].sourceName")).isEqualTo("story.txt");
        assertThat(l.getString("activities[0].jobId")).isEqualTo(jobId);
        assertThat(l.getString("activities[0].type")).isEqualTo("ingestion");
        assertThat(l.getString("activities[0].endedAt")).isNotNull();
        assertThat(l.getString("activities[0].used[0].name")).isEqualTo("story.txt");
        assertThat(l.getString("activities[0].used[0].sha256")).isEqualTo(root);
        assertThat(l.getLong("activities[0].used[0].size")).isEqualTo(input.length);
        assertThat(l.getString("activities[0].used[0].mediaType")).startsWith("text/plain");
        assertThat(l.getString("activities[0].wasAssociatedWith[0].subject")).isEqualTo("user-" + tenant);
        assertThat(l.getString("activities[0].wasAssociatedWith[0].kind")).isEqualTo("user");
        assertThat(l.getList("activities[0].generated.hash")).containsExactly(root);
        assertThat(l.getString("wasDerivedFrom[0].type")).isEqualTo("ingestion");
        assertThat(l.getString("wasDerivedFrom[0].sourceName")).isEqualTo("story.txt");
    }

    @Test
    void aComponentLeadsToEveryRootThatContainsIt() {
        int tenant = TENANTS.incrementAndGet();
        byte[] first = text();
        byte[] second = ("A different preface.\n" + new String(first, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        ingest(tenant, "one.txt", "text/plain", first);
        ingest(tenant, "two.txt", "text/plain", second);
        String line = ContentHash.sha256(
                "The lineage of a line of text, long enough to be split into several tokens.\n".getBytes(StandardCharsets.UTF_8))
                .hex();

        JsonPath l = lineage(tenant, line);
        assertThat(l.getList("roots.sourceName")).containsExactly("two.txt", "one.txt");
        assertThat(l.getList("roots.self")).containsOnly(false);
        assertThat(l.getList("activities.used.name").toString()).contains("one.txt", "two.txt");

        JsonPath paged = given().auth().oauth2(token(tenant)).queryParam("page", 1).queryParam("size", 1)
                .when().get("/api/v1/atoms/" + line + "/lineage").then().statusCode(200).extract().jsonPath();
        assertThat(paged.getInt("totalRoots")).isEqualTo(2);
        assertThat(paged.getList("roots.sourceName")).containsExactly("one.txt");
    }

    @Test
    void aDecodedRasterWasDerivedFromItsPng() throws Exception {
        int tenant = TENANTS.incrementAndGet();
        BufferedImage image = new BufferedImage(20, 20, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) {
                image.setRGB(x, y, 0xff000000 | (x * 12 << 16) | (y * 12 << 8));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        String file = ContentHash.sha256(png.toByteArray()).hex();
        ingest(tenant, "gradient.png", "image/png", png.toByteArray());

        JsonPath fileLineage = lineage(tenant, file);
        List<String> derived = fileLineage.getList("hadDerivation.findAll { it.type == 'decodes_to' }.hash");
        assertThat(derived).hasSize(1);
        String raster = derived.get(0);
        assertThat(fileLineage.getList("activities[0].generated.hash")).containsExactlyInAnyOrder(file, raster);

        JsonPath rasterLineage = lineage(tenant, raster);
        Map<String, Object> from = rasterLineage.getMap("wasDerivedFrom.find { it.type == 'decodes_to' }");
        assertThat(from).containsEntry("hash", file);
        assertThat(from.get("relationId")).isNotNull();
        assertThat(from.get("activity")).isNotNull();

        Map<String, Object> prov = given().auth().oauth2(token(tenant)).queryParam("format", "prov-json")
                .when().get("/api/v1/atoms/" + raster + "/lineage").then().statusCode(200).extract().jsonPath().getMap("");
        assertThat(prov).containsKeys("prefix", "entity", "activity", "agent", "wasGeneratedBy", "used",
                "wasAssociatedWith", "wasDerivedFrom");
        assertThat(((Map<?, ?>) prov.get("entity")).keySet().stream().map(Object::toString).toList()).contains("atom:" + raster, "atom:" + file);
        assertThat(prov.get("wasDerivedFrom").toString()).contains("prov:usedEntity=atom:" + file);
    }

    @Test
    void historyShowsTheCurrentAndThePastVersionNewestFirst() {
        int tenant = TENANTS.incrementAndGet();
        byte[] input = text();
        String root = ContentHash.sha256(input).hex();
        ingest(tenant, "versioned.txt", "text/plain", input);
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + root + "/history")
                .then().statusCode(200).body("versions.size()", equalTo(1)).body("versions[0].current", equalTo(true))
                .body("versions[0].validTo", equalTo(null));

        // a count change is bookkeeping, not a version; a metadata change (concept-service's job later) is
        db.pool().preparedQuery("UPDATE dbo.Atom SET ReferenceCount = ReferenceCount + 1 WHERE TenantId = $1 AND ContentHash = $2")
                .execute(Tuple.of(tenant, io.vertx.core.buffer.Buffer.buffer(ContentHash.parse(root).bytes())))
                .await().atMost(Duration.ofSeconds(10));
        db.pool().preparedQuery("UPDATE dbo.Atom SET Metadata = '{\"topic\":\"lineage\"}' WHERE TenantId = $1 AND ContentHash = $2")
                .execute(Tuple.of(tenant, io.vertx.core.buffer.Buffer.buffer(ContentHash.parse(root).bytes())))
                .await().atMost(Duration.ofSeconds(10));

        JsonPath h = given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + root + "/history")
                .then().statusCode(200).extract().jsonPath();
        assertThat(h.getList("versions")).hasSize(2);
        assertThat(h.getBoolean("versions[0].current")).isTrue();
        assertThat(h.getString("versions[0].metadata")).contains("lineage");
        assertThat(h.getString("versions[0].validTo")).isNull();
        assertThat(h.getBoolean("versions[1].current")).isFalse();
        assertThat(h.getString("versions[1].metadata")).isNull();
        assertThat(h.getString("versions[1].validTo")).isEqualTo(h.getString("versions[0].validFrom"));

        given().auth().oauth2(token(tenant)).queryParam("size", 1).when().get("/api/v1/atoms/" + root + "/history")
                .then().statusCode(200).body("versions.size()", equalTo(1)).body("hasMore", equalTo(true));
    }

    @Test
    void anotherTenantsAtomAnswers404() {
        int owner = TENANTS.incrementAndGet();
        int intruder = TENANTS.incrementAndGet();
        byte[] input = text();
        String root = ContentHash.sha256(input).hex();
        ingest(owner, "secret.txt", "text/plain", input);
        for (String path : List.of("/lineage", "/history")) {
            given().auth().oauth2(token(intruder)).when().get("/api/v1/atoms/" + root + path)
                    .then().statusCode(404).contentType("application/problem+json");
        }
        given().auth().oauth2(token(owner)).queryParam("size", 0).when().get("/api/v1/atoms/" + root + "/lineage")
                .then().statusCode(400).contentType("application/problem+json");
    }
}
