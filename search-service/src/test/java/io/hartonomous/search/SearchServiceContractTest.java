package io.hartonomous.search;

import io.hartonomous.common.testing.ServiceContractTests;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;

import java.time.Instant;

import static io.restassured.RestAssured.given;

/** The suite-wide contract (auth, problem+json, health, metrics, OpenAPI, schema) on this service. */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class SearchServiceContractTest extends ServiceContractTests {

    SearchServiceContractTest() {
        super("search-service");
    }

    /** Readiness includes the embedding model and the indexes, which load for a few seconds after start. */
    @BeforeEach
    void awaitReady() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (given().when().get("/q/health/ready").statusCode() != 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
    }
}
