package io.hartonomous.billing.usage;

import io.hartonomous.common.testing.TestingPostgresResource;
import io.hartonomous.common.testing.TestingTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.hartonomous.billing.TestingBilling.event;
import static io.hartonomous.billing.TestingBilling.freshTenant;
import static io.hartonomous.billing.TestingBilling.service;
import static io.hartonomous.billing.TestingBilling.user;
import static io.hartonomous.billing.TestingBilling.yesterday;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class UsageResourceTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void acceptsAnEventOnceAndAnswersDuplicateForTheSameKey() {
        int tenant = freshTenant();
        Map<String, Object> e = event("k-1", "searches", 1, Instant.now());

        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(e)
                .when().post("/api/v1/usage")
                .then().statusCode(201).body("outcome", equalTo("accepted"));
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(e)
                .when().post("/api/v1/usage")
                .then().statusCode(200).body("outcome", equalTo("duplicate"));

        assertThat(total(tenant, "searches", "day")).isEqualTo(1);
    }

    @Test
    void batchAnswersEachOutcomeInOrderAndTheFirstOfEqualKeysWins() {
        int tenant = freshTenant();
        Instant now = Instant.now().minusSeconds(5);
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(List.of(event("old", "embeddings", 2, now)))
                .when().post("/api/v1/usage/batch").then().statusCode(200).body("accepted", equalTo(1));

        BatchResult result = given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(List.of(
                        event("a", "embeddings", 10, now),
                        event("old", "embeddings", 100, now),
                        event("a", "embeddings", 1000, now),
                        event("b", "no_such_meter", 1, now),
                        event("c", "embeddings", -1, now)))
                .when().post("/api/v1/usage/batch")
                .then().statusCode(200).extract().as(BatchResult.class);

        assertThat(result.results()).extracting(EventOutcome::outcome)
                .containsExactly("accepted", "duplicate", "duplicate", "rejected", "rejected");
        assertThat(result.results()).extracting(EventOutcome::reason)
                .containsExactly(null, null, null, "unknown_meter", "invalid_quantity");
        assertThat(result.accepted()).isEqualTo(1);
        assertThat(result.duplicate()).isEqualTo(2);
        assertThat(result.rejected()).isEqualTo(2);
        assertThat(total(tenant, "embeddings", "day")).isEqualTo(12);
    }

    @Test
    void rejectsTimestampsOutsideTheWindowAndSkew() {
        int tenant = freshTenant();
        BatchResult result = given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(List.of(
                        event("too-old", "searches", 1, Instant.now().minus(Duration.ofDays(8))),
                        event("future", "searches", 1, Instant.now().plus(Duration.ofMinutes(10))),
                        event("skewed", "searches", 1, Instant.now().plus(Duration.ofMinutes(2))),
                        Map.of("idempotencyKey", "bad-ts", "meter", "searches", "quantity", 1, "timestamp", "yesterday")))
                .when().post("/api/v1/usage/batch")
                .then().statusCode(200).extract().as(BatchResult.class);

        assertThat(result.results()).extracting(EventOutcome::reason)
                .containsExactly("timestamp_too_old", "timestamp_in_future", null, "invalid_timestamp");
    }

    @Test
    void summaryAnswersExactBucketsPerMinuteHourAndDay() {
        int tenant = freshTenant();
        Instant y = yesterday();
        Instant before = y.minusSeconds(60); // 23:59 the day before
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(List.of(
                        event("1", "bytes_ingested", 3, y.plus(Duration.ofHours(10)).plusSeconds(5)),
                        event("2", "bytes_ingested", 4, y.plus(Duration.ofHours(10)).plusSeconds(50)),
                        event("3", "bytes_ingested", 5, y.plus(Duration.ofHours(10)).plusSeconds(70)),
                        event("4", "bytes_ingested", 6, y.plus(Duration.ofMinutes(11 * 60 + 30))),
                        event("5", "bytes_ingested", 7, before),
                        event("6", "searches", 50, y.plusSeconds(1)),
                        event("7", "searches", 50, y.plusSeconds(2))))
                .when().post("/api/v1/usage/batch").then().statusCode(200).body("accepted", equalTo(7));
        String from = before.minus(Duration.ofDays(1)).toString();
        String to = Instant.now().toString();

        JsonPath minute = summary(tenant, "bytes_ingested", "minute", from, to);
        JsonPath hour = summary(tenant, "bytes_ingested", "hour", from, to);
        JsonPath day = summary(tenant, "bytes_ingested", "day", from, to);

        assertThat(minute.getLong("total")).isEqualTo(25);
        assertThat(buckets(minute)).containsExactly(
                Map.entry(before.toString(), 7L),
                Map.entry(y.plus(Duration.ofHours(10)).toString(), 7L),
                Map.entry(y.plus(Duration.ofMinutes(601)).toString(), 5L),
                Map.entry(y.plus(Duration.ofMinutes(690)).toString(), 6L));
        assertThat(buckets(hour)).containsExactly(
                Map.entry(before.truncatedTo(ChronoUnit.HOURS).toString(), 7L),
                Map.entry(y.plus(Duration.ofHours(10)).toString(), 12L),
                Map.entry(y.plus(Duration.ofHours(11)).toString(), 6L));
        assertThat(buckets(day)).containsExactly(
                Map.entry(y.minus(Duration.ofDays(1)).toString(), 7L),
                Map.entry(y.toString(), 18L));
        assertThat(day.getString("meter")).isEqualTo("bytes_ingested");
        // searches counts events, whatever their quantity
        assertThat(summary(tenant, "searches", "day", from, to).getLong("total")).isEqualTo(2);
    }

    @Test
    void serviceTokenMayActForANamedTenantOthersGet403() {
        int tenant = freshTenant();
        Map<String, Object> e = new HashMap<>(event("svc-1", "inference_ms", 40, Instant.now()));
        e.put("tenant", tenant);

        given().auth().oauth2(service()).contentType(ContentType.JSON).body(e)
                .when().post("/api/v1/usage").then().statusCode(201);
        given().auth().oauth2(user(tenant + 1)).contentType(ContentType.JSON).body(e)
                .when().post("/api/v1/usage").then().statusCode(403).contentType(PROBLEM).body("code", equalTo("forbidden"));
        given().auth().oauth2(user(tenant + 1)).contentType(ContentType.JSON).body(List.of(e))
                .when().post("/api/v1/usage/batch").then().statusCode(403).contentType(PROBLEM);

        given().auth().oauth2(service()).queryParam("meter", "inference_ms").queryParam("window", "day")
                .queryParam("tenant", tenant)
                .when().get("/api/v1/usage/summary").then().statusCode(200).body("total", equalTo(40));
        assertThat(total(tenant, "inference_ms", "day")).isEqualTo(40);
    }

    @Test
    void rejectsInvalidRequestsWithProblemJson() {
        int tenant = freshTenant();
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(event("x", "bogus", 1, Instant.now()))
                .when().post("/api/v1/usage")
                .then().statusCode(400).contentType(PROBLEM).body("detail", containsString("atoms_stored"))
                .body("reason", equalTo("unknown_meter"));
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body("[]")
                .when().post("/api/v1/usage/batch").then().statusCode(400).contentType(PROBLEM);
        // malformed JSON: 400 (Quarkus' own Jackson mapper answers it, without a problem body; see the report)
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body("{not json")
                .when().post("/api/v1/usage/batch").then().statusCode(400);
        List<Map<String, Object>> tooMany = new ArrayList<>();
        IntStream.range(0, 1001).forEach(i -> tooMany.add(event("k" + i, "searches", 1, Instant.now())));
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(tooMany)
                .when().post("/api/v1/usage/batch").then().statusCode(413).contentType(PROBLEM)
                .body("code", equalTo("payload_too_large"));
        Map<String, Object> fractional = new HashMap<>(event("f", "searches", 1, Instant.now()));
        fractional.put("quantity", 1.5);
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(fractional)
                .when().post("/api/v1/usage").then().statusCode(400).body("reason", equalTo("invalid_quantity"));
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(event("k".repeat(201), "searches", 1, Instant.now()))
                .when().post("/api/v1/usage").then().statusCode(400).body("reason", equalTo("invalid_idempotency_key"));
        given().auth().oauth2(user(tenant)).queryParam("meter", "searches").queryParam("window", "week")
                .when().get("/api/v1/usage/summary").then().statusCode(400).contentType(PROBLEM);
        given().auth().oauth2(user(tenant)).queryParam("meter", "nope")
                .when().get("/api/v1/usage/summary").then().statusCode(400).body("detail", containsString("searches"));
        given().auth().oauth2(TestingTokens.token(tenant)).contentType(ContentType.JSON).body(event("r", "searches", 1, Instant.now()))
                .when().post("/api/v1/usage").then().statusCode(403).contentType(PROBLEM);
        given().contentType(ContentType.JSON).body(event("r", "searches", 1, Instant.now()))
                .when().post("/api/v1/usage").then().statusCode(401).contentType(PROBLEM);
    }

    @Test
    void countsMetricsByOutcome() {
        int tenant = freshTenant();
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(List.of(
                        event("m1", "searches", 1, Instant.now()), event("m1", "searches", 1, Instant.now())))
                .when().post("/api/v1/usage/batch").then().statusCode(200);

        given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .body(containsString("hartonomous_billing_events_total{outcome=\"accepted\""))
                .body(containsString("hartonomous_billing_events_total{outcome=\"duplicate\""))
                .body(containsString("hartonomous_billing_ingest_seconds_bucket"));
    }

    static JsonPath summary(int tenant, String meter, String window, String from, String to) {
        return given().auth().oauth2(user(tenant)).queryParam("meter", meter).queryParam("window", window)
                .queryParam("from", from).queryParam("to", to)
                .when().get("/api/v1/usage/summary")
                .then().statusCode(200).extract().jsonPath();
    }

    static long total(int tenant, String meter, String window) {
        return summary(tenant, meter, window, Instant.now().minus(Duration.ofDays(8)).toString(),
                Instant.now().plus(Duration.ofMinutes(10)).toString()).getLong("total");
    }

    static List<Map.Entry<String, Long>> buckets(JsonPath summary) {
        List<Map<String, Object>> raw = summary.getList("buckets");
        return raw.stream().map(b -> Map.entry((String) b.get("start"), ((Number) b.get("value")).longValue())).toList();
    }
}
