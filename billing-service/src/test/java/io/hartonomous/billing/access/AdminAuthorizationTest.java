package io.hartonomous.billing.access;

import io.hartonomous.common.testing.TestingPostgresResource;
import io.hartonomous.common.testing.TestingTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static io.hartonomous.billing.TestingBilling.admin;
import static io.hartonomous.billing.TestingBilling.event;
import static io.hartonomous.billing.TestingBilling.freshTenant;
import static io.hartonomous.billing.TestingBilling.operator;
import static io.hartonomous.billing.TestingBilling.user;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Cross-tenant administration: the operator's admin may, a tenant's admin (even with the service role) may not. */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class AdminAuthorizationTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void onlyTheOperatorChangesTheGlobalRateCard() {
        Map<String, Object> free = Map.of("currency", "USD", "tiers", List.of(Map.of("unitPriceMicros", 0)));
        int tenant = freshTenant();
        for (String token : List.of(admin(tenant), TestingTokens.token(tenant, "admin", "service"))) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body(free)
                    .when().put("/api/v1/admin/rate-card/models_used")
                    .then().statusCode(403).contentType(PROBLEM).body("detail", containsString("operator"));
        }
        given().auth().oauth2(operator()).contentType(ContentType.JSON).body(free)
                .when().put("/api/v1/admin/rate-card/models_used")
                .then().statusCode(200).body("find { it.meter == 'models_used' }.tiers.size()", equalTo(1));
    }

    @Test
    void aTenantAdminSetsOnlyItsOwnQuotaAndNotAboveTheDefault() {
        int owner = freshTenant();
        int other = owner + 1;
        given().auth().oauth2(admin(other)).contentType(ContentType.JSON).body(Map.of("limit", 0))
                .when().put("/api/v1/admin/tenants/" + owner + "/quotas/searches")
                .then().statusCode(403).contentType(PROBLEM);
        given().auth().oauth2(TestingTokens.token(other, "admin", "service")).contentType(ContentType.JSON)
                .body(Map.of("limit", 0)).when().put("/api/v1/admin/tenants/" + owner + "/quotas/searches")
                .then().statusCode(403).contentType(PROBLEM);
        given().auth().oauth2(admin(other)).when().delete("/api/v1/admin/tenants/" + owner + "/quotas/searches")
                .then().statusCode(403);
        given().auth().oauth2(admin(owner)).contentType(ContentType.JSON).body(Map.of("limit", 5_000_000_001L))
                .when().put("/api/v1/admin/tenants/" + owner + "/quotas/atoms_stored")
                .then().statusCode(403).contentType(PROBLEM).body("detail", containsString("up to the default"));
        given().auth().oauth2(admin(owner)).contentType(ContentType.JSON).body(Map.of("limit", 10))
                .when().put("/api/v1/admin/tenants/" + owner + "/quotas/searches").then().statusCode(200);

        given().auth().oauth2(operator()).contentType(ContentType.JSON).body(Map.of("limit", 9_000_000_000L))
                .when().put("/api/v1/admin/tenants/" + owner + "/quotas/atoms_stored")
                .then().statusCode(200).body("limit", equalTo(9_000_000_000L));
        given().auth().oauth2(operator()).when().get("/api/v1/admin/tenants/" + owner + "/quotas")
                .then().statusCode(200).body("find { it.meter == 'searches' }.limit", equalTo(10));
        given().auth().oauth2(user(owner)).when().get("/api/v1/quotas")
                .then().statusCode(200).body("find { it.meter == 'atoms_stored' }.limit", equalTo(9_000_000_000L));
    }

    @Test
    void onlyTheOperatorInvoicesOtherTenantsAndIssuesCreditNotes() {
        int owner = freshTenant();
        int other = owner + 1;
        Instant now = Instant.now().minusSeconds(1);
        String period = YearMonth.from(now.atZone(ZoneOffset.UTC)).toString();
        given().auth().oauth2(user(owner)).contentType(ContentType.JSON).body(event("j", "ingest_jobs", 1, now))
                .when().post("/api/v1/usage").then().statusCode(201);

        given().auth().oauth2(TestingTokens.token(other, "admin", "service")).queryParam("period", period)
                .queryParam("tenant", owner).when().post("/api/v1/invoices").then().statusCode(403).contentType(PROBLEM);
        String invoice = given().auth().oauth2(operator()).queryParam("period", period).queryParam("tenant", owner)
                .when().post("/api/v1/invoices").then().statusCode(201).body("tenant", equalTo(owner))
                .extract().path("invoiceId");
        given().auth().oauth2(operator()).queryParam("tenant", owner).accept(ContentType.JSON)
                .when().get("/api/v1/invoices/" + invoice).then().statusCode(200).body("totalMicros", equalTo(1000));
        given().auth().oauth2(admin(other)).queryParam("tenant", owner).accept(ContentType.JSON)
                .when().get("/api/v1/invoices/" + invoice).then().statusCode(403);

        // a tenant cannot credit itself, nor anyone else
        given().auth().oauth2(admin(owner)).contentType(ContentType.JSON).body(Map.of("amountMicros", 1000, "reason", "self"))
                .when().post("/api/v1/invoices/" + invoice + "/credit-notes")
                .then().statusCode(403).contentType(PROBLEM).body("detail", containsString("operator"));
        given().auth().oauth2(operator()).contentType(ContentType.JSON).queryParam("tenant", owner)
                .body(Map.of("amountMicros", 1000, "reason", "refund"))
                .when().post("/api/v1/invoices/" + invoice + "/credit-notes").then().statusCode(201);
    }
}
