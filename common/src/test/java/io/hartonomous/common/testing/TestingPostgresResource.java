package io.hartonomous.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts (once per JVM) the embedded PostgreSQL, gives the service under test a fresh empty
 * database on it, and trusts {@link TestingTokens}' key. Use with
 * {@code @QuarkusTestResource(TestingPostgresResource.class)}.
 */
public class TestingPostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestingPostgres.Database db = TestingPostgres.freshDatabase("svc");
        return Map.of(
                "hartonomous.db.kind", "postgresql",
                "hartonomous.db.host", db.host(),
                "hartonomous.db.port", Integer.toString(db.port()),
                "hartonomous.db.name", db.name(),
                "hartonomous.db.user", db.user(),
                "hartonomous.db.password", db.password(),
                "mp.jwt.verify.publickey", TestingTokens.publicKeyPem(),
                "mp.jwt.verify.issuer", TestingTokens.ISSUER);
    }

    @Override
    public void stop() {
        // the server is shared by the JVM's tests and stops with it
    }
}
