package io.hartonomous.common.testing;

import io.hartonomous.common.db.Database;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

/**
 * What every service of the suite promises, run against each of them on the real embedded
 * PostgreSQL: authentication and roles, problem+json errors with trace ids, health, metrics,
 * OpenAPI, and a migrated schema. Each service extends this with {@code @QuarkusTest}.
 */
public abstract class ServiceContractTests {

    private static final String PROBLEM = "application/problem+json";

    private final String service;

    @Inject
    Database database;

    protected ServiceContractTests(String service) {
        this.service = service;
    }

    @Test
    void whoamiAnswersTenantAndRolesFromToken() {
        given().auth().oauth2(TestingTokens.token(42, "search", "ingest"))
                .when().get("/api/v1/whoami")
                .then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("tenant", equalTo(42))
                .body("subject", equalTo("user-42"))
                .body("roles", equalTo(List.of("ingest", "search")))
                .body("service", equalTo(service));
    }

    @Test
    void rejectsMissingTokenWith401Problem() {
        given().when().get("/api/v1/whoami")
                .then().statusCode(401)
                .contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("code", equalTo("unauthenticated"))
                .body("status", equalTo(401))
                .body("detail", notNullValue())
                .body("traceId", matchesPattern("[0-9a-f]{32}"));
    }

    @Test
    void rejectsTokenSignedByAnotherKeyWith401() {
        given().auth().oauth2(TestingTokens.foreignToken(42, "admin"))
                .when().get("/api/v1/whoami")
                .then().statusCode(401)
                .contentType(PROBLEM)
                .body("code", equalTo("unauthenticated"));
    }

    @Test
    void rejectsExpiredTokenWith401() {
        given().auth().oauth2(TestingTokens.expiredToken(42, "admin"))
                .when().get("/api/v1/whoami")
                .then().statusCode(401)
                .contentType(PROBLEM);
    }

    @Test
    void rejectsGarbageTokenWith401() {
        given().auth().oauth2("not.a.jwt")
                .when().get("/api/v1/whoami")
                .then().statusCode(401)
                .contentType(PROBLEM);
    }

    @Test
    void rejectsTokenWithoutRoleWith403Problem() {
        given().auth().oauth2(TestingTokens.token(42))
                .when().get("/api/v1/whoami")
                .then().statusCode(403)
                .contentType(PROBLEM)
                .body("code", equalTo("forbidden"));
    }

    @Test
    void rejectsTokenWithoutTenantClaimWith401() {
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"hartonomous\",\"sub\":\"x\",\"groups\":[\"search\"],\"iat\":" + now
                + ",\"exp\":" + (now + 600) + "}";
        given().auth().oauth2(TestingTokens.tokenWithClaims(claims))
                .when().get("/api/v1/whoami")
                .then().statusCode(401)
                .contentType(PROBLEM)
                .body("detail", containsString("tenant"));
    }

    @Test
    void unknownPathIs404Problem() {
        given().auth().oauth2(TestingTokens.token(42, "search"))
                .when().get("/api/v1/no-such-thing")
                .then().statusCode(404)
                .contentType(PROBLEM)
                .body("code", equalTo("not_found"));
    }

    @Test
    void propagatesW3cTraceId() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        given().header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .when().get("/api/v1/whoami")
                .then().statusCode(401)
                .header("X-Trace-Id", traceId)
                .body("traceId", equalTo(traceId));
    }

    @Test
    void livenessAndReadinessAreUpWithDatabaseCheck() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("PostgreSQL")));
    }

    @Test
    void servesPrometheusMetrics() {
        given().auth().oauth2(TestingTokens.token(42, "search")).when().get("/api/v1/whoami").then().statusCode(200);
        given().accept("text/plain").when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count"));
    }

    @Test
    void documentsEveryEndpointInOpenApi() {
        given().accept("application/json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/whoami"))
                .body("info.title", containsString(service))
                .body("components.securitySchemes.jwt.scheme", equalTo("bearer"));
    }

    @Test
    void runsAgainstMigratedSchema() {
        long atoms = database.pool().query("SELECT COUNT(*) AS n FROM dbo.Atom").execute()
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
        assertThat(atoms).isZero();
        long modalities = database.pool().query("SELECT COUNT(*) AS n FROM ref.Modality").execute()
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
        assertThat(modalities).isGreaterThanOrEqualTo(7);
    }
}
