package io.hartonomous.search;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.hartonomous.common.testing.TestingTokens;
import io.hartonomous.search.query.SearchResult;
import io.hartonomous.common.db.Tx;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** /api/v1/search over content written to the embedded PostgreSQL the way atom-service writes it. */
@QuarkusTest
@QuarkusTestResource(value = TestingPostgresResource.class, restrictToAnnotatedClass = true)
class SearchResourceTest {

    private final TestingStore store;
    private final Database db;

    SearchResourceTest(Database db) {
        this.db = db;
        this.store = new TestingStore(db);
    }

    /** Model loaded and indexes rebuilt: what follows measures indexing, not start-up. */
    @org.junit.jupiter.api.BeforeEach
    void awaitReady() throws InterruptedException {
        Instant ready = Instant.now().plusSeconds(180);
        while (given().when().get("/q/health/ready").statusCode() != 200 && Instant.now().isBefore(ready)) {
            Thread.sleep(200);
        }
    }

    static SearchResult search(int tenant, Map<String, ?> params) {
        return given().auth().oauth2(TestingTokens.token(tenant, "search")).queryParams(params)
                .when().get("/api/v1/search")
                .then().statusCode(200).extract().as(SearchResult.class);
    }

    /** Searches until {@code done} holds or {@code within} passes; returns the last answer. */
    static SearchResult awaitSearch(int tenant, Map<String, ?> params, Duration within, Predicate<SearchResult> done)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        SearchResult last;
        do {
            last = given().auth().oauth2(TestingTokens.token(tenant, "search")).queryParams(params)
                    .when().get("/api/v1/search").then().extract().response().statusCode() == 200
                    ? search(tenant, params) : null;
            if (last != null && done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        return last;
    }

    static boolean contains(SearchResult r, ContentHash h) {
        return r.results().stream().anyMatch(i -> i.rootHash().equals(h.hex()));
    }

    @Test
    void findsFreshlyIngestedTextWithinFiveSeconds() throws Exception {
        // wait for the model and indexes so that start-up time does not count as indexing latency
        search(11, Map.of("q", "warm up", "mode", "hybrid"));
        Instant ingested = Instant.now();
        ContentHash doc = store.text(11, "volcanoes.txt", """
                Stratovolcanoes are tall conical volcanoes built up by many layers of hardened lava and tephra.

                Their eruptions are explosive because the magma is viscous and traps gas until pressure is released.
                """);
        SearchResult bm25 = awaitSearch(11, Map.of("q", "stratovolcanoes tephra", "mode", "bm25"), Duration.ofSeconds(5),
                r -> contains(r, doc));
        Duration latency = Duration.between(ingested, Instant.now());
        assertThat(bm25).isNotNull();
        assertThat(contains(bm25, doc)).as("BM25 finds the document within 5 s").isTrue();
        assertThat(latency).isLessThan(Duration.ofSeconds(5));
        SearchResult vector = search(11, Map.of("q", "explosive eruption of a mountain", "mode", "vector"));
        assertThat(contains(vector, doc)).as("the vector is indexed in the same round").isTrue();
    }

    @Test
    void ranksTheRelevantDocumentFirstAndCarriesTheContract() throws Exception {
        ContentHash bread = store.text(12, "bread.txt", """
                Sourdough bread is leavened by a culture of wild yeast and lactic acid bacteria.

                Bakers feed the starter with flour and water and let the dough rise slowly overnight.
                """);
        ContentHash tax = store.text(12, "taxes.txt", """
                A value added tax is collected at every stage of production and distribution.

                Businesses reclaim the tax they paid on inputs, so only the final consumer bears it.
                """);
        ContentHash orbit = store.text(12, "orbits.txt", """
                A geostationary satellite orbits the Earth once per sidereal day above the equator.

                Its altitude of about 35,786 kilometres keeps it fixed over one point of the surface.
                """);
        for (String mode : List.of("hybrid", "vector", "bm25")) {
            SearchResult r = awaitSearch(12, Map.of("q", "how do bakers make the dough rise", "mode", mode),
                    Duration.ofSeconds(10), x -> contains(x, bread) && contains(x, tax) | contains(x, orbit) || mode.equals("bm25") && contains(x, bread));
            assertThat(r.results()).isNotEmpty();
            assertThat(r.results().getFirst().rootHash()).as(mode).isEqualTo(bread.hex());
            assertThat(r.mode()).isEqualTo(mode);
            SearchResult.Item top = r.results().getFirst();
            assertThat(top.hash()).hasSize(64);
            assertThat(top.modality()).isEqualTo("text");
            assertThat(top.snippet()).isNotBlank();
            assertThat(top.scores()).isNotEmpty();
            assertThat(top.content()).isEqualTo("/api/v1/atoms/" + top.hash() + "/content");
            for (int i = 1; i < r.results().size(); i++) {
                assertThat(r.results().get(i).score()).isLessThanOrEqualTo(r.results().get(i - 1).score());
            }
        }
        SearchResult hybrid = search(12, Map.of("q", "bakers dough", "mode", "hybrid"));
        assertThat(hybrid.results().getFirst().scores()).containsKeys("bm25", "vector");
        assertThat(hybrid.fusion()).isEqualTo("rrf");
        SearchResult scoreFusion = search(12, Map.of("q", "bakers dough", "mode", "hybrid", "fusion", "score"));
        assertThat(scoreFusion.fusion()).isEqualTo("score");
        assertThat(scoreFusion.results().getFirst().rootHash()).isEqualTo(bread.hex());
        SearchResult spatial = search(12, Map.of("q", "bakers dough", "mode", "spatial"));
        assertThat(spatial.results()).isNotEmpty();
        assertThat(spatial.results().getFirst().scores()).containsKey("spatial");
    }

    @Test
    void storesEmbeddingsUnitsAndSpatialKeys() throws Exception {
        ContentHash doc = store.text(13, "rivers.txt", """
                The Amazon river discharges more water than the next seven largest rivers combined.

                Its basin covers about seven million square kilometres of tropical rain forest.
                """);
        awaitSearch(13, Map.of("q", "amazon basin", "mode", "bm25"), Duration.ofSeconds(10), r -> contains(r, doc));
        List<Row> rows = Tx.execute(db, db.dialect().render("""
                SELECT u.UnitKind, e.Dimensions, e.EmbeddingBytes, e.HilbertValue, e.SpatialX, e.SpatialBucketX
                FROM dbo.SearchUnit u JOIN dbo.AtomEmbedding e ON e.TenantId = u.TenantId AND e.SourceAtomId = u.AtomId
                WHERE u.TenantId = ? AND u.RootHash = ? ORDER BY u.UnitKind"""), List.of(13, doc.bytes()), "read").stream().toList();
        assertThat(rows).extracting(r -> r.getString(0)).containsExactly("document", "part", "part");
        for (Row r : rows) {
            assertThat(r.getInteger(1)).isEqualTo(384);
            assertThat(r.getBuffer(2).length()).isEqualTo(4 * 384);
            assertThat(r.getLong(3)).isNotNegative();
            assertThat(r.getDouble(4)).isBetween(-100.0, 100.0);
            assertThat(r.getInteger(5)).isEqualTo((int) Math.floor((r.getDouble(4) + 100) / 10));
        }
    }

    @Test
    void neverReturnsAnotherTenantsAtom() throws Exception {
        ContentHash secret = store.text(21, "secret.txt", """
                Project zebrafish quantum ledger: the acquisition closes on the fourteenth of March.

                Only the board knows the zebrafish codename and the ledger figures.
                """);
        awaitSearch(21, Map.of("q", "zebrafish ledger", "mode", "bm25"), Duration.ofSeconds(10), r -> contains(r, secret));
        store.text(22, "other.txt", "Nothing about fish here, only a note on gardening and tomatoes in the spring.");
        for (String mode : List.of("bm25", "vector", "hybrid", "spatial")) {
            SearchResult r = search(22, Map.of("q", "zebrafish quantum ledger acquisition", "mode", mode, "k", "1000"));
            assertThat(r.results()).as(mode).noneMatch(i -> i.rootHash().equals(secret.hex()) || i.hash().equals(secret.hex()));
        }
        Map<?, ?> features = given().auth().oauth2(TestingTokens.token(22, "search")).queryParam("hash", secret.hex())
                .when().get("/api/v1/embeddings/features").then().statusCode(200).extract().as(Map.class);
        assertThat(features.get("atoms")).isEqualTo(0);
        Map<?, ?> own = given().auth().oauth2(TestingTokens.token(21, "search")).queryParam("hash", secret.hex())
                .when().get("/api/v1/embeddings/features").then().statusCode(200).extract().as(Map.class);
        assertThat(own.get("atoms")).isEqualTo(1);
        assertThat((List<?>) own.get("dimensions")).hasSize(384);
    }

    @Test
    void appliesFiltersDuringRetrieval() throws Exception {
        ContentHash prose = store.text(31, "sorting.txt", """
                Quicksort sorts an array by choosing a pivot and partitioning the elements around it.

                Its average running time is n log n, but a bad pivot makes it quadratic.
                """);
        ContentHash code = store.document(31, "Sorter.java", "code", List.of(
                new TestingStore.Part("class", "public class Sorter {\n"),
                new TestingStore.Part("method", "    static void quicksort(int[] a, int lo, int hi) { if (lo < hi) { int p = partition(a, lo, hi); quicksort(a, lo, p - 1); quicksort(a, p + 1, hi); } }\n"),
                new TestingStore.Part("method", "    static int partition(int[] a, int lo, int hi) { int pivot = a[hi]; int i = lo; for (int j = lo; j < hi; j++) if (a[j] < pivot) swap(a, i++, j); swap(a, i, hi); return i; }\n"),
                new TestingStore.Part("class", "}\n")));
        awaitSearch(31, Map.of("q", "quicksort pivot partition", "mode", "bm25", "k", "50"), Duration.ofSeconds(10),
                r -> contains(r, prose) && contains(r, code));
        // k=1 with a filter still answers one matching unit: the filter ran inside the retriever
        for (String mode : List.of("bm25", "vector", "hybrid", "spatial")) {
            SearchResult onlyCode = search(31, Map.of("q", "quicksort pivot partition", "mode", mode, "modality", "code", "k", "1"));
            assertThat(onlyCode.results()).as(mode).hasSize(1);
            assertThat(onlyCode.results().getFirst().modality()).isEqualTo("code");
            SearchResult methods = search(31, Map.of("q", "quicksort pivot partition", "mode", mode, "subtype", "method", "k", "5"));
            assertThat(methods.results()).as(mode).isNotEmpty().allMatch(i -> "method".equals(i.subtype()));
            SearchResult onlyText = search(31, Map.of("q", "quicksort pivot partition", "mode", mode, "modality", "text", "k", "1"));
            assertThat(onlyText.results()).as(mode).hasSize(1).allMatch(i -> i.modality().equals("text"));
        }
        SearchResult future = search(31, Map.of("q", "quicksort", "mode", "hybrid", "createdFrom", "2999-01-01"));
        assertThat(future.results()).isEmpty();
        SearchResult past = search(31, Map.of("q", "quicksort", "mode", "hybrid", "createdTo", "2000-01-01T00:00:00Z"));
        assertThat(past.results()).isEmpty();
        SearchResult now = search(31, Map.of("q", "quicksort", "mode", "hybrid", "createdFrom", "2000-01-01", "createdTo", "2999-01-01"));
        assertThat(now.results()).isNotEmpty();
        SearchResult concept = search(31, Map.of("q", "quicksort", "mode", "hybrid", "concept", "424242"));
        assertThat(concept.results()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void surrogateTextMakesOtherModalitiesFindableAndCrossModalGroupsThem() throws Exception {
        ContentHash image = store.file(41, "sunset_over_the_beach.png", "image", new byte[]{(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        ContentHash note = store.text(41, "beach.txt", "We watched the sunset over the beach and the waves until dark.");
        awaitSearch(41, Map.of("q", "sunset beach", "mode", "bm25"), Duration.ofSeconds(10), r -> contains(r, image) && contains(r, note));
        SearchResult images = search(41, Map.of("q", "sunset at the seaside", "modality", "image"));
        assertThat(images.results()).extracting(SearchResult.Item::rootHash).containsExactly(image.hex());
        Map<?, ?> cross = given().auth().oauth2(TestingTokens.token(41, "search")).contentType("application/json")
                .body(Map.of("query", "sunset at the beach", "k", 3))
                .when().post("/api/v1/search/cross-modal").then().statusCode(200).extract().as(Map.class);
        Map<String, ?> groups = (Map<String, ?>) cross.get("groups");
        assertThat(groups.keySet()).containsExactly("image", "text");
    }

    @Test
    void refusesBadQueriesWithProblemJson() {
        String token = TestingTokens.token(51, "search");
        record Case(Map<String, ?> params, String detail) {
        }
        List<Case> cases = List.of(
                new Case(Map.of("q", ""), "'q' is required"),
                new Case(Map.of("mode", "bm25"), "'q' is required"),
                new Case(Map.of("q", "x".repeat(100 * 1024)), "at most"),
                new Case(Map.of("q", "hello", "mode", "semantic"), "'mode' must be one of"),
                new Case(Map.of("q", "hello", "k", "1000000000"), "'k' must be an integer from 1 to 1000"),
                new Case(Map.of("q", "hello", "k", "0"), "'k' must be"),
                new Case(Map.of("q", "hello", "k", "ten"), "'k' must be"),
                new Case(Map.of("q", "hello", "createdFrom", "yesterday"), "'createdFrom' must be an ISO-8601"),
                new Case(Map.of("q", "hello", "createdFrom", "2026-02-01", "createdTo", "2026-01-01"), "after"),
                new Case(Map.of("q", "hello", "modality", "smell"), "unknown modality"),
                new Case(Map.of("q", "hello", "fusion", "max"), "'fusion' must be"),
                new Case(Map.of("q", "hello", "wBm25", "-1"), "'wBm25' must be"));
        for (Case c : cases) {
            Response r = given().auth().oauth2(token).queryParams(c.params()).when().get("/api/v1/search");
            assertThat(r.statusCode()).as(c.detail()).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("code")).isEqualTo("invalid_request");
            assertThat(r.jsonPath().getString("detail")).contains(c.detail());
        }
        given().queryParam("q", "x").when().get("/api/v1/search").then().statusCode(401);
        given().auth().oauth2(TestingTokens.token(51, "ingest")).queryParam("q", "x").when().get("/api/v1/search").then().statusCode(403);
    }
}
