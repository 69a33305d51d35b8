package io.hartonomous.search.inference;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.hartonomous.common.testing.TestingTokens;
import io.hartonomous.search.TestingStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Inference with ONNX models stored as atoms (written the way atom-service writes a file). */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class InferenceResourceTest {

    private final TestingStore store;

    InferenceResourceTest(Database db) {
        this.store = new TestingStore(db);
    }

    static Map<String, Object> input(float... x) {
        return Map.of("x", Map.of("type", "float32", "shape", List.of(1, x.length), "data", x));
    }

    @Test
    @SuppressWarnings("unchecked")
    void runsAnAtomizedModelAndCachesItsOutput() {
        System.gc(); // collects the beans of the application that ran before (see MeterCleanup)
        ContentHash model = store.file(61, "tiny.onnx", "model", TestingOnnx.matMul(new float[][]{{1, 0}, {0, 2}, {1, 1}}));
        String token = TestingTokens.token(61, "search");
        Map<String, Object> first = given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("model", model.hex(), "inputs", input(1, 2, 3)))
                .when().post("/api/v1/inference").then().statusCode(200).extract().as(Map.class);
        Map<String, Object> y = (Map<String, Object>) ((Map<String, Object>) first.get("outputs")).get("y");
        assertThat((List<Number>) y.get("data")).extracting(Number::doubleValue).containsExactly(4.0, 7.0);
        assertThat(first.get("cached")).isEqualTo(false);
        Map<String, Object> second = given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("model", model.hex(), "inputs", input(1, 2, 3)))
                .when().post("/api/v1/inference").then().statusCode(200).extract().as(Map.class);
        assertThat(second.get("cached")).isEqualTo(true);
        assertThat(second.get("outputs")).isEqualTo(first.get("outputs"));
        String metrics = given().accept("text/plain").when().get("/q/metrics").then().statusCode(200).extract().asString();
        // the gauge reads this application's counters (a gauge left by an earlier application in
        // the same JVM used to read a collected bean and vanish from the scrape)
        double ratio = metrics.lines().filter(l -> l.startsWith("hartonomous_search_inference_cache_hit_ratio "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(Double.NaN);
        assertThat(ratio).as("cache hit ratio in\n%s", metrics).isGreaterThan(0).isLessThanOrEqualTo(1);
        // another tenant neither sees the model nor the cached output
        given().auth().oauth2(TestingTokens.token(62, "search")).contentType("application/json")
                .body(Map.of("model", model.hex(), "inputs", input(1, 2, 3)))
                .when().post("/api/v1/inference").then().statusCode(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void ensemblesAverageVoteAndRrf() {
        ContentHash a = store.file(63, "a.onnx", "model", TestingOnnx.matMul(new float[][]{{1, 0, 0}, {0, 1, 0}}));
        ContentHash b = store.file(63, "b.onnx", "model", TestingOnnx.matMul(new float[][]{{0, 0, 1}, {0, 3, 0}}));
        ContentHash c = store.file(63, "c.onnx", "model", TestingOnnx.matMul(new float[][]{{0, 1, 0}, {0, 0, 0}}));
        String token = TestingTokens.token(63, "search");
        // x = [2, 1]: a -> [2, 1, 0], b -> [0, 3, 2], c -> [0, 2, 0]
        Map<String, Object> avg = given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("models", List.of(a.hex(), b.hex(), c.hex()), "inputs", input(2, 1), "combine", "average"))
                .when().post("/api/v1/inference/ensemble").then().statusCode(200).extract().as(Map.class);
        assertThat((List<Number>) ((Map<String, Object>) avg.get("combined")).get("data")).extracting(Number::doubleValue)
                .containsExactly(2.0 / 3, 2.0, 2.0 / 3);
        Map<String, Object> vote = given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("models", List.of(a.hex(), b.hex(), c.hex()), "inputs", input(2, 1), "combine", "vote"))
                .when().post("/api/v1/inference/ensemble").then().statusCode(200).extract().as(Map.class);
        assertThat((List<Number>) ((Map<String, Object>) vote.get("combined")).get("data")).extracting(Number::intValue)
                .containsExactly(1);
        Map<String, Object> rrf = given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("models", List.of(a.hex(), b.hex(), c.hex()), "inputs", input(2, 1), "combine", "rrf"))
                .when().post("/api/v1/inference/ensemble").then().statusCode(200).extract().as(Map.class);
        List<Double> fused = ((List<Number>) ((Map<String, Object>) rrf.get("combined")).get("data")).stream()
                .map(Number::doubleValue).toList();
        assertThat(fused.get(1)).isGreaterThan(fused.get(0)).isGreaterThan(fused.get(2));
    }

    @Test
    void refusesBadInferenceRequests() {
        String token = TestingTokens.token(64, "search");
        ContentHash notModel = store.file(64, "note.txt", "text", "just text, not a model".getBytes());
        given().auth().oauth2(token).contentType("application/json").body(Map.of("model", "abc", "inputs", input(1)))
                .when().post("/api/v1/inference").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(token).contentType("application/json").body(Map.of("model", notModel.hex(), "inputs", input(1)))
                .when().post("/api/v1/inference").then().statusCode(422).contentType("application/problem+json");
        ContentHash model = store.file(64, "tiny.onnx", "model", TestingOnnx.matMul(new float[][]{{1}, {1}}));
        given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("model", model.hex(), "inputs", Map.of("x", Map.of("shape", List.of(1, 2), "data", List.of(1)))))
                .when().post("/api/v1/inference").then().statusCode(400).contentType("application/problem+json");
    }
}
