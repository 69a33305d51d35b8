package io.hartonomous.search;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.Tx;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.hartonomous.common.vector.Float32Vectors;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** With embedding components enabled, every stored embedding gets one row per dimension, and loses them with it. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddingComponentsTest.Enabled.class, restrictToAnnotatedClass = true)
class EmbeddingComponentsTest {

    /** A fresh database, components on. */
    public static class Enabled extends TestingPostgresResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            config.put("hartonomous.search.embedding-components.enabled", "true");
            return config;
        }
    }

    private final Database db;
    private final TestingStore store;

    EmbeddingComponentsTest(Database db) {
        this.db = db;
        this.store = new TestingStore(db);
    }

    @BeforeEach
    void awaitReady() throws InterruptedException {
        Instant ready = Instant.now().plusSeconds(180);
        while (given().when().get("/q/health/ready").statusCode() != 200 && Instant.now().isBefore(ready)) {
            Thread.sleep(200);
        }
    }

    @Test
    void storesEachDimensionOfEachEmbeddingPerTenantAndDropsThemWithTheUnit() throws Exception {
        String text = """
                Coral reefs are built by colonies of tiny animals that secrete calcium carbonate skeletons.

                Warmer oceans bleach the corals when they expel the algae that feed them and give them colour.
                """;
        ContentHash doc = store.text(61, "reefs.txt", text);
        store.text(62, "reefs.txt", text);
        await(() -> embeddings(61) > 1 && embeddings(62) > 1 && components(61) == 384L * embeddings(61)
                && components(62) == 384L * embeddings(62), Duration.ofSeconds(15));
        long stored = embeddings(61);
        assertThat(stored).isGreaterThan(1);
        assertThat(components(61)).as("384 rows per embedding").isEqualTo(384 * stored);
        assertThat(components(62)).isEqualTo(384 * embeddings(62));

        // each row holds the float32 of the stored vector at its index, under the same model
        List<Row> vectors = rows("SELECT SourceAtomId, ModelId, EmbeddingBytes FROM dbo.AtomEmbedding WHERE TenantId = ?", 61);
        for (Row v : vectors) {
            float[] expected = Float32Vectors.decode(bytes(v.getValue(2)));
            float[] actual = new float[expected.length];
            for (Row c : Tx.execute(db, db.dialect().render("""
                    SELECT DimensionIndex, ComponentValue, TenantId FROM dbo.AtomEmbeddingComponent
                    WHERE SourceAtomId = ? AND ModelId = ?"""), List.of(v.getLong(0), v.getInteger(1)), "components")) {
                assertThat(c.getInteger(2)).isEqualTo(61);
                actual[c.getInteger(0)] = c.getFloat(1);
            }
            assertThat(actual).containsExactly(expected);
        }

        // unpinned: the components go with their embeddings; the other tenant keeps its own
        Tx.execute(db, db.dialect().render("DELETE FROM dbo.AtomRoot WHERE TenantId = ? AND RootHash = ?"),
                List.of(61, doc.bytes()), "unpin");
        await(() -> components(61) == 0 && embeddings(61) == 0, Duration.ofSeconds(10));
        assertThat(embeddings(61)).isZero();
        assertThat(components(61)).isZero();
        assertThat(components(62)).isEqualTo(384 * embeddings(62)).isPositive();
    }

    private long embeddings(int tenant) {
        return rows("SELECT COUNT(*) FROM dbo.AtomEmbedding WHERE TenantId = ?", tenant).getFirst().getLong(0);
    }

    private long components(int tenant) {
        return rows("SELECT COUNT(*) FROM dbo.AtomEmbeddingComponent WHERE TenantId = ?", tenant).getFirst().getLong(0);
    }

    private List<Row> rows(String sql, int tenant) {
        List<Row> out = new java.util.ArrayList<>();
        Tx.execute(db, db.dialect().render(sql), List.of(tenant), "read").forEach(out::add);
        return out;
    }

    private static byte[] bytes(Object value) {
        return value instanceof io.vertx.core.buffer.Buffer b ? b.getBytes() : ((io.vertx.mutiny.core.buffer.Buffer) value).getBytes();
    }

    private static void await(BooleanSupplier done, Duration within) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (!done.getAsBoolean() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
    }
}
