package io.hartonomous.ooda;

import io.hartonomous.common.testing.ServiceContractTests;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The suite-wide contract (auth, problem+json, health, metrics, OpenAPI, schema) on this service. */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class OodaServiceContractTest extends ServiceContractTests {

    OodaServiceContractTest() {
        super("ooda-service");
    }
}
