package io.hartonomous.search;

import io.hartonomous.common.testing.TestingPostgres;
import io.hartonomous.common.testing.TestingServiceProcess;
import io.hartonomous.common.testing.TestingTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fresh database with the packaged atom-service running on it as a child process, and this
 * service configured to keep its embedding model in the store (signing service tokens with the
 * test key that atom-service trusts).
 */
public class TestingAtomServiceResource implements QuarkusTestResourceLifecycleManager {

    private TestingServiceProcess atom;

    @Override
    public Map<String, String> start() {
        TestingPostgres.Database db = TestingPostgres.freshDatabase("store");
        try {
            Path spool = Files.createTempDirectory("atom-spool");
            atom = new TestingServiceProcess(Path.of("../atom-service"), "HARTONOMOUS_ATOM_PORT", db, Map.of(
                    "HARTONOMOUS_ATOM_METERING_ENABLED", "false",
                    "HARTONOMOUS_ATOM_INGEST_SPOOL_DIR", spool.toString())).start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start atom-service", e);
        }
        return Map.ofEntries(
                Map.entry("hartonomous.db.kind", "postgresql"),
                Map.entry("hartonomous.db.host", db.host()),
                Map.entry("hartonomous.db.port", Integer.toString(db.port())),
                Map.entry("hartonomous.db.name", db.name()),
                Map.entry("hartonomous.db.user", db.user()),
                Map.entry("hartonomous.db.password", db.password()),
                Map.entry("mp.jwt.verify.publickey", TestingTokens.publicKeyPem()),
                Map.entry("mp.jwt.verify.issuer", TestingTokens.ISSUER),
                Map.entry("hartonomous.service-token.private-key", TestingTokens.privateKeyPem()),
                Map.entry("hartonomous.search.model.source", "store"),
                Map.entry("quarkus.rest-client.atom.url", "http://127.0.0.1:" + atom.port()));
    }

    @Override
    public void stop() {
        if (atom != null) {
            try {
                atom.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
