package io.hartonomous.billing;

import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import static io.hartonomous.billing.TestingBilling.admin;
import static io.hartonomous.billing.TestingBilling.event;
import static io.hartonomous.billing.TestingBilling.freshTenant;
import static io.hartonomous.billing.TestingBilling.user;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** A tenant can neither read nor write another tenant's usage, quotas, reservations or invoices. */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class CrossTenantIsolationTest {

    @Test
    void rejectsForeignTenantOnEveryEndpoint() {
        int owner = freshTenant();
        int other = owner + 1;
        Instant now = Instant.now().minusSeconds(1);
        String period = YearMonth.from(now.atZone(ZoneOffset.UTC)).toString();
        given().auth().oauth2(user(owner)).contentType(ContentType.JSON).body(event("mine", "searches", 1, now))
                .when().post("/api/v1/usage").then().statusCode(201);
        String reservation = given().auth().oauth2(user(owner)).contentType(ContentType.JSON).body(Map.of("amount", 5))
                .when().post("/api/v1/quotas/searches/reservations").then().statusCode(201).extract().path("reservationId");
        String invoice = given().auth().oauth2(admin(owner)).queryParam("period", period)
                .when().post("/api/v1/invoices").then().statusCode(201).extract().path("invoiceId");

        // usage: writing for the owner is forbidden, the same key is the other tenant's own, reads are separate
        Map<String, Object> forged = new HashMap<>(event("forged", "searches", 1, now));
        forged.put("tenant", owner);
        given().auth().oauth2(user(other)).contentType(ContentType.JSON).body(forged)
                .when().post("/api/v1/usage").then().statusCode(403);
        given().auth().oauth2(user(other)).contentType(ContentType.JSON).body(event("mine", "searches", 1, now))
                .when().post("/api/v1/usage").then().statusCode(201).body("outcome", equalTo("accepted"));
        given().auth().oauth2(user(other)).queryParam("meter", "searches").queryParam("window", "day")
                .queryParam("tenant", owner).when().get("/api/v1/usage/summary").then().statusCode(403);
        given().auth().oauth2(user(owner)).queryParam("meter", "searches").queryParam("window", "day")
                .when().get("/api/v1/usage/summary").then().statusCode(200).body("total", equalTo(1));

        // quotas and reservations
        given().auth().oauth2(user(other)).queryParam("tenant", owner).when().get("/api/v1/quotas").then().statusCode(403);
        given().auth().oauth2(admin(other)).contentType(ContentType.JSON).body(Map.of("limit", 0))
                .when().put("/api/v1/admin/tenants/" + owner + "/quotas/searches").then().statusCode(403);
        given().auth().oauth2(admin(other)).when().get("/api/v1/admin/tenants/" + owner + "/quotas").then().statusCode(403);
        given().auth().oauth2(user(other)).when().get("/api/v1/quotas/searches/reservations/" + reservation)
                .then().statusCode(404);
        given().auth().oauth2(user(other)).when().delete("/api/v1/quotas/searches/reservations/" + reservation)
                .then().statusCode(404);
        Map<String, Object> commit = new HashMap<>(event("steal", "searches", 1, now));
        commit.put("reservationId", reservation);
        given().auth().oauth2(user(other)).contentType(ContentType.JSON).body(commit)
                .when().post("/api/v1/usage").then().statusCode(409).body("reason", equalTo("reservation_not_found"));
        given().auth().oauth2(user(owner)).when().get("/api/v1/quotas/searches/reservations/" + reservation)
                .then().statusCode(200).body("status", equalTo("active"));

        // invoices
        given().auth().oauth2(user(other)).accept(ContentType.JSON).when().get("/api/v1/invoices/" + invoice).then().statusCode(404);
        given().auth().oauth2(user(other)).accept("text/csv").when().get("/api/v1/invoices/" + invoice).then().statusCode(404);
        given().auth().oauth2(admin(other)).contentType(ContentType.JSON).body(Map.of("amountMicros", 1, "reason", "x"))
                .when().post("/api/v1/invoices/" + invoice + "/credit-notes").then().statusCode(403);
        given().auth().oauth2(TestingBilling.operator()).contentType(ContentType.JSON).queryParam("tenant", other)
                .body(Map.of("amountMicros", 1, "reason", "x"))
                .when().post("/api/v1/invoices/" + invoice + "/credit-notes").then().statusCode(404);
        given().auth().oauth2(admin(other)).queryParam("period", period).queryParam("tenant", owner)
                .when().post("/api/v1/invoices").then().statusCode(403);
        given().auth().oauth2(user(other)).queryParam("period", period).when().get("/api/v1/invoices")
                .then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void documentsEveryBillingPathInOpenApi() {
        given().accept("application/json").when().get("/q/openapi").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/usage"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/usage/batch"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/usage/summary"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/quotas"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/quotas/{meter}/reservations"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/quotas/{meter}/reservations/{id}"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/quotas/reservations/{id}"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/admin/tenants/{tenant}/quotas/{meter}"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/invoices"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/invoices/{id}"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/invoices/{id}/credit-notes"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/rate-card"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/admin/rate-card/{meter}"));
    }
}
