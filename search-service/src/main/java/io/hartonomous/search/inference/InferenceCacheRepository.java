package io.hartonomous.search.inference;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.Tx;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * dbo.InferenceCache_InMemory: a tenant's cached outputs by key, valid until they expire. A read
 * never returns an expired or another tenant's entry.
 */
@ApplicationScoped
public class InferenceCacheRepository {

    private final Database db;
    private final String read;
    private final String write;
    private final String purge;

    public InferenceCacheRepository(Database db) {
        this.db = db;
        SqlDialect d = db.dialect();
        this.read = d.render("SELECT OutputJson FROM dbo.InferenceCache_InMemory WHERE TenantId = ? AND CacheKey = ? AND ExpiresAt > ?");
        this.write = d.upsert("dbo.InferenceCache_InMemory", List.of("TenantId", "CacheKey", "OutputJson", "ExpiresAt"),
                List.of("TenantId", "CacheKey"), List.of("OutputJson", "ExpiresAt"));
        this.purge = d.render("DELETE FROM dbo.InferenceCache_InMemory WHERE ExpiresAt <= ?");
    }

    public Optional<String> get(int tenant, byte[] key) {
        for (Row r : Tx.execute(db, read, List.of(tenant, key, now()), "read the inference cache")) {
            return Optional.ofNullable(r.getString(0));
        }
        return Optional.empty();
    }

    public void put(int tenant, byte[] key, String json, java.time.Duration ttl) {
        Tx.execute(db, write, List.of(tenant, key, json, now().plus(ttl)), "write the inference cache");
    }

    public void purgeExpired() {
        Tx.execute(db, purge, List.of(now()), "purge the inference cache");
    }

    private static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }
}
