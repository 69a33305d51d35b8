package io.hartonomous.search;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingTokens;
import io.hartonomous.search.embed.Embedder;
import io.hartonomous.search.embed.MiniLm;
import io.hartonomous.search.query.SearchResult;
import io.hartonomous.common.db.Tx;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "The model lives in the store": with atom-service running, search-service stores the seed ONNX
 * file as atoms of the system tenant, rebuilds it from them (hash-checked) and embeds with it.
 */
@QuarkusTest
@QuarkusTestResource(value = TestingAtomServiceResource.class, restrictToAnnotatedClass = true)
// Opt-in: atom-service atomizes the 23 MB ONNX file first, which took over 10 minutes on a loaded 2-core machine.
// ./mvnw -pl search-service -am verify -Dit.test=ModelInStoreIT -Dhartonomous.it.modelInStore=true
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "hartonomous.it.modelInStore", matches = "true")
class ModelInStoreIT {

    private final Database db;
    private final Embedder embedder;

    ModelInStoreIT(Database db, Embedder embedder) {
        this.db = db;
        this.embedder = embedder;
    }

    @Test
    void loadsTheEmbeddingModelFromItsAtoms() throws Exception {
        Instant deadline = Instant.now().plusSeconds(600);
        while (given().when().get("/q/health/ready").statusCode() != 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
        }
        Embedder.Loaded model = embedder.model();
        ContentHash seed = ContentHash.sha256(MiniLm.seedBytes());
        assertThat(model.source()).isEqualTo("store");
        assertThat(model.file()).isEqualTo(seed);
        long atoms = Tx.execute(db, db.dialect().render("""
                SELECT COUNT(*) FROM dbo.Model m JOIN dbo.Atom a ON a.TenantId = m.TenantId AND a.ContentHash = m.ModelAtomHash
                WHERE m.ModelId = ? AND a.Modality = 'model'"""), List.of(model.modelId()), "check").iterator().next().getLong(0);
        assertThat(atoms).isEqualTo(1);
        // and it embeds: a document is found by meaning
        new TestingStore(db).text(71, "whales.txt", "Blue whales are the largest animals ever known to have lived on Earth.");
        Instant until = Instant.now().plusSeconds(30);
        SearchResult r;
        do {
            r = given().auth().oauth2(TestingTokens.token(71, "search")).queryParams(Map.of("q", "biggest creature in the ocean",
                    "mode", "vector")).when().get("/api/v1/search").then().statusCode(200).extract().as(SearchResult.class);
            Thread.sleep(200);
        } while (r.results().isEmpty() && Instant.now().isBefore(until));
        assertThat(r.results()).isNotEmpty();
    }
}
