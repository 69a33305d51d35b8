package io.hartonomous.search;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.Tx;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.hartonomous.search.index.Indexes;
import io.hartonomous.search.index.TenantIndex;
import io.hartonomous.search.query.SearchResult;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static io.hartonomous.search.SearchResourceTest.awaitSearch;
import static io.hartonomous.search.SearchResourceTest.contains;
import static io.hartonomous.search.SearchResourceTest.search;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Units of unpinned and collected atoms leave the database and the indexes; other tenants keep theirs. */
@QuarkusTest
@QuarkusTestResource(value = TestingPostgresResource.class, restrictToAnnotatedClass = true)
class UnitRemovalTest {

    private static final String GLACIERS = """
            Tidewater glaciers calve icebergs into the sea where their fronts reach deep fjord water.

            Moraines of crushed rock mark the furthest advance of a glacier before it retreated again.
            """;

    private final TestingStore store;
    private final Database db;
    private final Indexes indexes;

    UnitRemovalTest(Database db, Indexes indexes) {
        this.db = db;
        this.store = new TestingStore(db);
        this.indexes = indexes;
    }

    @BeforeEach
    void awaitReady() throws InterruptedException {
        Instant ready = Instant.now().plusSeconds(180);
        while (given().when().get("/q/health/ready").statusCode() != 200 && Instant.now().isBefore(ready)) {
            Thread.sleep(200);
        }
    }

    @Test
    void unpinnedDocumentLeavesSearchAndItsRowsGoWithin5Seconds() throws Exception {
        ContentHash doc = store.text(41, "glaciers.txt", GLACIERS);
        ContentHash same = store.text(42, "glaciers.txt", GLACIERS);
        assertThat(same).isEqualTo(doc);
        Map<String, String> bm25 = Map.of("q", "tidewater glaciers moraines", "mode", "bm25");
        Map<String, String> vector = Map.of("q", "ice flowing into the ocean", "mode", "vector");
        assertThat(contains(awaitSearch(41, bm25, Duration.ofSeconds(10), r -> contains(r, doc)), doc)).isTrue();
        assertThat(contains(awaitSearch(42, bm25, Duration.ofSeconds(10), r -> contains(r, doc)), doc)).isTrue();
        assertThat(contains(search(41, vector), doc)).isTrue();
        List<Long> units = unitIds(41);
        assertThat(units).hasSizeGreaterThan(1);
        assertThat(count("AtomEmbedding", 41)).isEqualTo(units.size());
        assertThat(count("AtomEmbeddingComponent", 41)).as("components are off by default").isZero();

        // atom-service's unpin: the pins go and the counts drop to 0 (TestingStore's atoms have 0 already)
        Tx.execute(db, db.dialect().render("DELETE FROM dbo.AtomRoot WHERE TenantId = ? AND RootHash = ?"),
                List.of(41, doc.bytes()), "unpin");

        Instant unpinned = Instant.now();
        SearchResult after = awaitSearch(41, bm25, Duration.ofSeconds(5), r -> !contains(r, doc));
        assertThat(contains(after, doc)).as("BM25 no longer finds the unpinned document").isFalse();
        assertThat(Duration.between(unpinned, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(contains(search(41, vector), doc)).as("nor does vector search").isFalse();
        assertThat(search(41, Map.of("q", "ice flowing into the ocean", "mode", "spatial")).results()).isEmpty();
        await(() -> count("SearchUnit", 41) == 0 && count("AtomEmbedding", 41) == 0, Duration.ofSeconds(5));
        assertThat(count("SearchUnit", 41)).isZero();
        assertThat(count("AtomEmbedding", 41)).isZero();
        TenantIndex index = indexes.tenant(41).orElseThrow();
        assertThat(units).allSatisfy(id -> assertThat(index.ordOf(id)).isNull());
        assertThat(index.live()).isZero();

        assertThat(contains(search(42, bm25), doc)).as("the other tenant's copy stays").isTrue();
        assertThat(contains(search(42, vector), doc)).isTrue();
        assertThat(count("SearchUnit", 42)).isEqualTo(units.size());
        assertThat(count("AtomEmbedding", 42)).isEqualTo(units.size());
    }

    @Test
    void collectedAtomsLeaveTheIndexesWithinAFullRescan() throws Exception {
        ContentHash doc = store.text(43, "glaciers.txt", GLACIERS);
        Map<String, String> hybrid = Map.of("q", "tidewater glaciers moraines", "mode", "hybrid");
        assertThat(contains(awaitSearch(43, hybrid, Duration.ofSeconds(10), r -> contains(r, doc)), doc)).isTrue();
        List<Long> units = unitIds(43);

        // unpin and collect in one transaction: the sweep never sees them dead, the cascade deletes the rows
        Tx.inTransaction(db, "collect", conn -> {
            Tx.execute(conn, db.dialect().render("DELETE FROM dbo.AtomRoot WHERE TenantId = ?"), List.of(43));
            Tx.execute(conn, db.dialect().render("DELETE FROM dbo.AtomComposition WHERE TenantId = ?"), List.of(43));
            Tx.execute(conn, db.dialect().render("DELETE FROM dbo.Atom WHERE TenantId = ?"), List.of(43));
            return null;
        });
        assertThat(count("SearchUnit", 43)).isZero();
        assertThat(count("AtomEmbedding", 43)).isZero();
        assertThat(contains(search(43, hybrid), doc)).as("a hit without its row is never returned").isFalse();

        TenantIndex index = indexes.tenant(43).orElseThrow();
        await(() -> index.live() == 0, Duration.ofSeconds(10));
        assertThat(units).allSatisfy(id -> assertThat(index.ordOf(id)).isNull());
        assertThat(index.live()).isZero();
    }

    private List<Long> unitIds(int tenant) {
        List<Long> ids = new ArrayList<>();
        for (Row r : Tx.execute(db, db.dialect().render("SELECT AtomId FROM dbo.SearchUnit WHERE TenantId = ?"), List.of(tenant),
                "units")) {
            ids.add(r.getLong(0));
        }
        return ids;
    }

    private long count(String table, int tenant) {
        return Tx.execute(db, db.dialect().render("SELECT COUNT(*) FROM dbo." + table + " WHERE TenantId = ?"), List.of(tenant),
                "count").iterator().next().getLong(0);
    }

    private static void await(BooleanSupplier done, Duration within) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (!done.getAsBoolean() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
    }
}
