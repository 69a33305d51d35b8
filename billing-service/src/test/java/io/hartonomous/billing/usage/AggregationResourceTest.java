package io.hartonomous.billing.usage;

import io.hartonomous.billing.meter.Meter;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.hartonomous.billing.TestingBilling.concurrently;
import static io.hartonomous.billing.TestingBilling.event;
import static io.hartonomous.billing.TestingBilling.freshTenant;
import static io.hartonomous.billing.TestingBilling.user;
import static io.hartonomous.billing.TestingBilling.yesterday;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** UNIQUE_COUNT ({@code models_used}) and MAX ({@code peak_concurrent_jobs}) meters end to end. */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class AggregationResourceTest {

    @Inject
    Database database;

    @Inject
    UsageRepository usage;

    private static Map<String, Object> model(String key, String subject, Instant at) {
        Map<String, Object> e = new HashMap<>(event(key, "models_used", 1, at));
        e.put("subject", subject);
        return e;
    }

    @Test
    void uniqueCountGivesDistinctSubjectsPerBucketAndOverTheRange() {
        int tenant = freshTenant();
        Instant d1 = yesterday().minus(1, ChronoUnit.DAYS);
        Instant d2 = yesterday();
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(List.of(
                        model("1", "sha256:a", d1.plusSeconds(60)),
                        model("2", "sha256:a", d1.plusSeconds(70)),
                        model("3", "sha256:b", d1.plus(Duration.ofMinutes(65))),
                        model("4", "sha256:a", d1.plus(Duration.ofMinutes(125))),
                        model("1", "sha256:z", d1.plusSeconds(60)),
                        model("5", "sha256:a", d2.plusSeconds(1))))
                .when().post("/api/v1/usage/batch")
                .then().statusCode(200).body("accepted", equalTo(5)).body("duplicate", equalTo(1));
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(model("6", "sha256:c", d2.plusSeconds(2)))
                .when().post("/api/v1/usage").then().statusCode(201);
        // a resent key never counts, whatever subject it names now
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(model("6", "sha256:new", d2.plusSeconds(2)))
                .when().post("/api/v1/usage").then().statusCode(200).body("outcome", equalTo("duplicate"));

        JsonPath days = summary(tenant, "models_used", "day", d1, d2.plus(1, ChronoUnit.DAYS));
        assertThat(days.getList("buckets.value", Long.class)).containsExactly(2L, 2L);
        assertThat(days.getLong("total")).as("a, b, c: distinct over both days, not 2 + 2").isEqualTo(3);

        JsonPath hours = summary(tenant, "models_used", "hour", d1, d1.plus(1, ChronoUnit.DAYS));
        assertThat(hours.getList("buckets.value", Long.class)).containsExactly(1L, 1L, 1L);
        assertThat(hours.getLong("total")).isEqualTo(2);
        JsonPath minutes = summary(tenant, "models_used", "minute", d1, d1.plus(Duration.ofMinutes(2)));
        assertThat(minutes.getList("buckets.value", Long.class)).containsExactly(1L);
        assertThat(minutes.getLong("total")).isEqualTo(1);

        // quota usage counts subject-days: {a, b} on d1, {a, c} on d2
        given().auth().oauth2(user(tenant)).when().get("/api/v1/quotas")
                .then().statusCode(200).body("find { it.meter == 'models_used' }.used", equalTo(4));
        Map<Meter, Long> period = usage.periodTotals(database.pool(), tenant, day(d1), day(d2).plusDays(1))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(period).containsEntry(Meter.MODELS_USED, 3L);
    }

    @Test
    void concurrentFirstSightingsOfOneSubjectCountOnce() {
        int tenant = freshTenant();
        Instant at = yesterday().plusSeconds(30);
        List<Integer> statuses = concurrently(12, i -> given().auth().oauth2(user(tenant)).contentType(ContentType.JSON)
                .body(model("k" + i, "same-model", at)).when().post("/api/v1/usage").then().extract().statusCode());

        assertThat(statuses).containsOnly(201);
        for (String window : List.of("minute", "hour", "day")) {
            JsonPath s = summary(tenant, "models_used", window, at, at.plusSeconds(1));
            assertThat(s.getList("buckets.value", Long.class)).as(window).containsExactly(1L);
            assertThat(s.getLong("total")).as(window).isEqualTo(1);
        }
    }

    @Test
    void rejectsAUniqueCountEventWithoutASubject() {
        int tenant = freshTenant();
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(event("k", "models_used", 1, Instant.now()))
                .when().post("/api/v1/usage")
                .then().statusCode(400).contentType("application/problem+json").body("reason", equalTo("missing_subject"))
                .body("detail", org.hamcrest.Matchers.containsString("must name its subject"));
        Map<String, Object> e = new HashMap<>(event("k", "searches", 1, Instant.now()));
        e.put("subject", "x");
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(e)
                .when().post("/api/v1/usage").then().statusCode(400).body("reason", equalTo("invalid_subject"));
    }

    @Test
    void maxMeterBucketsAndTotalsGiveThePeakNotTheSum() {
        int tenant = freshTenant();
        Instant t = yesterday();
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(List.of(
                        event("a", "peak_concurrent_jobs", 3, t.plusSeconds(10)),
                        event("b", "peak_concurrent_jobs", 9, t.plusSeconds(20)),
                        event("c", "peak_concurrent_jobs", 4, t.plusSeconds(30)),
                        event("d", "peak_concurrent_jobs", 5, t.plus(Duration.ofMinutes(61)))))
                .when().post("/api/v1/usage/batch").then().statusCode(200).body("accepted", equalTo(4));

        JsonPath hours = summary(tenant, "peak_concurrent_jobs", "hour", t, t.plus(1, ChronoUnit.DAYS));
        assertThat(hours.getList("buckets.value", Long.class)).containsExactly(9L, 5L);
        assertThat(hours.getLong("total")).isEqualTo(9);
        JsonPath days = summary(tenant, "peak_concurrent_jobs", "day", t, t.plus(1, ChronoUnit.DAYS));
        assertThat(days.getList("buckets.value", Long.class)).containsExactly(9L);
        assertThat(usage.periodTotals(database.pool(), tenant, day(t), day(t).plusDays(1)).await().atMost(Duration.ofSeconds(10)))
                .containsEntry(Meter.PEAK_CONCURRENT_JOBS, 9L);

        // the quota of a peak caps each value (default 1000) and is not used up by values below it
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(event("e", "peak_concurrent_jobs", 1001, t))
                .when().post("/api/v1/usage").then().statusCode(429).body("reason", equalTo("quota_exceeded"));
        given().auth().oauth2(user(tenant)).when().get("/api/v1/quotas")
                .then().statusCode(200).body("find { it.meter == 'peak_concurrent_jobs' }.used", equalTo(0));
    }

    private static LocalDateTime day(Instant at) {
        return LocalDateTime.ofInstant(at.truncatedTo(ChronoUnit.DAYS), ZoneOffset.UTC);
    }

    private static JsonPath summary(int tenant, String meter, String window, Instant from, Instant to) {
        return given().auth().oauth2(user(tenant)).queryParam("meter", meter).queryParam("window", window)
                .queryParam("from", from.toString()).queryParam("to", to.toString())
                .when().get("/api/v1/usage/summary").then().statusCode(200).extract().jsonPath();
    }
}
