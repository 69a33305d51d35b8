package io.hartonomous.billing.quota;

import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.time.Duration;

import static io.hartonomous.billing.TestingBilling.admin;
import static io.hartonomous.billing.TestingBilling.event;
import static io.hartonomous.billing.TestingBilling.freshTenant;
import static io.hartonomous.billing.TestingBilling.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class QuotaResourceTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    QuotaService quotaService;

    @Test
    void listsEveryMeterWithTheConfiguredDefaultsThenAnAdminSetLimit() {
        int tenant = freshTenant();
        Map<String, Object> atoms = quota(tenant, "atoms_stored");
        assertThat(atoms).containsEntry("limit", 5_000_000_000L).containsEntry("used", 0L)
                .containsEntry("defaultLimit", true);

        given().auth().oauth2(admin(tenant)).contentType(ContentType.JSON).body(Map.of("limit", 100))
                .when().put("/api/v1/admin/tenants/" + tenant + "/quotas/atoms_stored")
                .then().statusCode(200).body("limit", equalTo(100)).body("remaining", equalTo(100));
        assertThat(quota(tenant, "atoms_stored")).containsEntry("limit", 100L).containsEntry("defaultLimit", false);

        given().auth().oauth2(admin(tenant)).when().delete("/api/v1/admin/tenants/" + tenant + "/quotas/atoms_stored")
                .then().statusCode(200).body("defaultLimit", equalTo(true));
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(Map.of("limit", 1))
                .when().put("/api/v1/admin/tenants/" + tenant + "/quotas/atoms_stored").then().statusCode(403);
        given().auth().oauth2(admin(tenant)).contentType(ContentType.JSON).body(Map.of("limit", -1))
                .when().put("/api/v1/admin/tenants/" + tenant + "/quotas/atoms_stored").then().statusCode(400)
                .contentType(PROBLEM);
    }

    @Test
    void fiftyConcurrentReservationsAgainstAQuotaThatFitsTenGrantExactlyTen() throws Exception {
        int tenant = freshTenant();
        setLimit(tenant, "ingest_jobs", 100);
        int clients = 50;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Callable<Response> reserve = () -> {
                start.await();
                return given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(Map.of("amount", 10))
                        .when().post("/api/v1/quotas/ingest_jobs/reservations");
            };
            answers.add(pool.submit(reserve));
        }
        start.countDown();
        List<Response> responses = new ArrayList<>();
        for (Future<Response> f : answers) {
            responses.add(f.get());
        }
        pool.shutdown();

        List<Response> granted = responses.stream().filter(r -> r.statusCode() == 201).toList();
        List<Response> refused = responses.stream().filter(r -> r.statusCode() == 429).toList();
        assertThat(granted).hasSize(10);
        assertThat(refused).hasSize(40);
        for (Response r : refused) {
            assertThat(r.contentType()).startsWith(PROBLEM);
            assertThat(r.jsonPath().getString("code")).isEqualTo("quota_exceeded");
            assertThat(r.jsonPath().getLong("remaining")).isZero();
        }
        granted.forEach(r -> assertThat(r.jsonPath().getString("reservationId")).isNotBlank());
        assertThat(quota(tenant, "ingest_jobs")).containsEntry("reserved", 100L).containsEntry("remaining", 0L);
    }

    @Test
    void refusalCarriesTheRemainingAmount() {
        int tenant = freshTenant();
        setLimit(tenant, "embeddings", 25);
        reserve(tenant, "embeddings", 20).then().statusCode(201);

        reserve(tenant, "embeddings", 6).then().statusCode(429).contentType(PROBLEM)
                .body("remaining", equalTo(5)).body("limit", equalTo(25)).body("reserved", equalTo(20));
    }

    @Test
    void usageNamingAReservationCommitsItAndFreesTheUnusedPart() {
        int tenant = freshTenant();
        setLimit(tenant, "atoms_stored", 1000);
        String id = reserve(tenant, "atoms_stored", 300).then().statusCode(201).extract().path("reservationId");
        assertThat(quota(tenant, "atoms_stored")).containsEntry("reserved", 300L).containsEntry("remaining", 700L);

        Map<String, Object> e = new HashMap<>(event("commit-1", "atoms_stored", 250, Instant.now()));
        e.put("reservationId", id);
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(e)
                .when().post("/api/v1/usage").then().statusCode(201);
        // resent: a duplicate, the reservation is not committed twice
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(e)
                .when().post("/api/v1/usage").then().statusCode(200).body("outcome", equalTo("duplicate"));
        // another event cannot commit it again
        Map<String, Object> again = new HashMap<>(event("commit-2", "atoms_stored", 1, Instant.now()));
        again.put("reservationId", id);
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(again)
                .when().post("/api/v1/usage").then().statusCode(409).body("reason", equalTo("reservation_not_active"));

        assertThat(quota(tenant, "atoms_stored")).containsEntry("used", 250L).containsEntry("reserved", 0L)
                .containsEntry("remaining", 750L);
        given().auth().oauth2(user(tenant)).when().get("/api/v1/quotas/atoms_stored/reservations/" + id)
                .then().statusCode(200).body("status", equalTo("committed"));
    }

    @Test
    void usageAboveTheReservedAmountOrWithoutRoomIsRejected() {
        int tenant = freshTenant();
        setLimit(tenant, "inference_ms", 100);
        String id = reserve(tenant, "inference_ms", 50).then().statusCode(201).extract().path("reservationId");
        Map<String, Object> over = new HashMap<>(event("over", "inference_ms", 51, Instant.now()));
        over.put("reservationId", id);

        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(over)
                .when().post("/api/v1/usage").then().statusCode(409).body("reason", equalTo("reservation_exceeded"));
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(event("free", "inference_ms", 51, Instant.now()))
                .when().post("/api/v1/usage").then().statusCode(429).contentType(PROBLEM)
                .body("reason", equalTo("quota_exceeded"));
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(event("fits", "inference_ms", 50, Instant.now()))
                .when().post("/api/v1/usage").then().statusCode(201);
        assertThat(quota(tenant, "inference_ms")).containsEntry("used", 50L).containsEntry("reserved", 50L)
                .containsEntry("remaining", 0L);
    }

    @Test
    void releaseFreesTheAmountOnceAndUnknownIdsAre404() {
        int tenant = freshTenant();
        setLimit(tenant, "searches", 10);
        String id = reserve(tenant, "searches", 10).then().statusCode(201).extract().path("reservationId");

        given().auth().oauth2(user(tenant)).when().delete("/api/v1/quotas/searches/reservations/" + id)
                .then().statusCode(200).body("status", equalTo("released"));
        given().auth().oauth2(user(tenant)).when().delete("/api/v1/quotas/searches/reservations/" + id)
                .then().statusCode(409).contentType(PROBLEM);
        given().auth().oauth2(user(tenant)).when().delete("/api/v1/quotas/embeddings/reservations/" + id)
                .then().statusCode(404).contentType(PROBLEM);
        given().auth().oauth2(user(tenant)).when().get("/api/v1/quotas/searches/reservations/" + java.util.UUID.randomUUID())
                .then().statusCode(404);
        assertThat(quota(tenant, "searches")).containsEntry("reserved", 0L).containsEntry("remaining", 10L);
    }

    @Test
    void reservationsAreReadAndReleasedByIdAloneOnlyByTheirTenant() {
        int tenant = freshTenant();
        String id = reserve(tenant, "embeddings", 30).then().statusCode(201).extract().path("reservationId");

        given().auth().oauth2(user(tenant)).when().get("/api/v1/quotas/reservations/" + id)
                .then().statusCode(200).body("meter", equalTo("embeddings")).body("status", equalTo("active"));
        given().auth().oauth2(user(tenant + 1)).when().delete("/api/v1/quotas/reservations/" + id)
                .then().statusCode(404).contentType(PROBLEM);
        given().auth().oauth2(user(tenant)).when().delete("/api/v1/quotas/reservations/" + id)
                .then().statusCode(200).body("status", equalTo("released"));
        assertThat(quota(tenant, "embeddings")).containsEntry("reserved", 0L);
        given().auth().oauth2(user(tenant)).when().delete("/api/v1/quotas/reservations/" + id)
                .then().statusCode(409).contentType(PROBLEM);
    }

    @Test
    void overdueReservationsExpireAndCannotBeCommitted() throws Exception {
        int tenant = freshTenant();
        setLimit(tenant, "bytes_ingested", 1000);
        String id = given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(Map.of("amount", 400, "ttlSeconds", 1))
                .when().post("/api/v1/quotas/bytes_ingested/reservations").then().statusCode(201).extract().path("reservationId");
        Thread.sleep(1_200);

        Map<String, Object> late = new HashMap<>(event("late", "bytes_ingested", 1, Instant.now()));
        late.put("reservationId", id);
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(late)
                .when().post("/api/v1/usage").then().statusCode(409).body("reason", equalTo("reservation_not_active"));
        int expired = quotaService.expireOverdue().await().atMost(Duration.ofSeconds(10));

        assertThat(expired).isGreaterThanOrEqualTo(1);
        given().auth().oauth2(user(tenant)).when().get("/api/v1/quotas/bytes_ingested/reservations/" + id)
                .then().statusCode(200).body("status", equalTo("expired"));
        assertThat(quota(tenant, "bytes_ingested")).containsEntry("reserved", 0L).containsEntry("remaining", 1000L);
    }

    @Test
    void reservationValidationAnswers400() {
        int tenant = freshTenant();
        reserve(tenant, "atoms_stored", 0).then().statusCode(400).contentType(PROBLEM);
        reserve(tenant, "no_meter", 1).then().statusCode(400).contentType(PROBLEM);
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(Map.of("amount", 1, "ttlSeconds", 86_400))
                .when().post("/api/v1/quotas/atoms_stored/reservations").then().statusCode(400);
    }

    static Response reserve(int tenant, String meter, long amount) {
        return given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(Map.of("amount", amount))
                .when().post("/api/v1/quotas/" + meter + "/reservations");
    }

    static void setLimit(int tenant, String meter, long limit) {
        given().auth().oauth2(admin(tenant)).contentType(ContentType.JSON).body(Map.of("limit", limit))
                .when().put("/api/v1/admin/tenants/" + tenant + "/quotas/" + meter).then().statusCode(200);
    }

    static Map<String, Object> quota(int tenant, String meter) {
        List<Map<String, Object>> all = given().auth().oauth2(user(tenant)).when().get("/api/v1/quotas")
                .then().statusCode(200).extract().jsonPath().getList("");
        Map<String, Object> found = all.stream().filter(q -> meter.equals(q.get("meter"))).findFirst().orElseThrow();
        Map<String, Object> out = new HashMap<>();
        found.forEach((k, v) -> out.put(k, v instanceof Number n ? (Object) n.longValue() : v));
        return out;
    }
}
