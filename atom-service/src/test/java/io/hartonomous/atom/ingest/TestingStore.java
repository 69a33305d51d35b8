package io.hartonomous.atom.ingest;

import io.hartonomous.common.db.Database;

import java.time.Duration;
import java.util.List;

/**
 * Checks of the stored model straight in SQL (PostgreSQL), independent of the service's code:
 * every atom's reference count equals the edges from its live (count > 0) parents plus its pins.
 */
final class TestingStore {

    private TestingStore() {
    }

    /** Atoms whose count disagrees with their live parents' edges plus pins. */
    static List<String> countMismatches(Database db, int tenant) {
        var rows = db.pool().query("""
                SELECT encode(a.ContentHash, 'hex'), a.ReferenceCount,
                       (SELECT COUNT(*) FROM dbo.AtomComposition c JOIN dbo.Atom p
                          ON p.TenantId = c.TenantId AND p.ContentHash = c.ParentAtomHash
                        WHERE c.TenantId = a.TenantId AND c.ComponentAtomHash = a.ContentHash AND p.ReferenceCount > 0)
                     + (SELECT COUNT(*) FROM dbo.AtomRoot r WHERE r.TenantId = a.TenantId AND r.RootHash = a.ContentHash)
                FROM dbo.Atom a WHERE a.TenantId = %d""".formatted(tenant)).execute()
                .await().atMost(Duration.ofSeconds(30));
        return java.util.stream.StreamSupport.stream(rows.spliterator(), false)
                .filter(r -> r.getLong(1).longValue() != r.getLong(2).longValue())
                .map(r -> r.getString(0) + " has " + r.getLong(1) + ", expected " + r.getLong(2))
                .toList();
    }

    static long count(Database db, String sql) {
        return db.pool().query(sql).execute().await().atMost(Duration.ofSeconds(30)).iterator().next().getLong(0);
    }
}
