package io.hartonomous.atom.lineage;

import io.hartonomous.common.db.Tx;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.hash.ContentHash;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * An atom's temporal versions: its current row in dbo.Atom and its past rows in dbo.AtomHistory
 * (written by the versioning trigger on PostgreSQL, by SYSTEM_VERSIONING on SQL Server). Read by
 * tenant and hash, so the versions of an atom that garbage collection deleted (and of an earlier
 * atom with the same content) stay readable.
 */
@ApplicationScoped
public class HistoryRepository {

    /** SysEndTime of a current row: the period is open. */
    static final LocalDateTime OPEN = LocalDateTime.of(9999, 12, 31, 0, 0);

    private final Database db;
    private final String versions;

    public HistoryRepository(Database db) {
        this.db = db;
        SqlDialect d = db.dialect();
        this.versions = d.render("""
                SELECT v.AtomId, v.Modality, v.Subtype, v.ContentType, v.Metadata, v.ConceptId, v.ReferenceCount,
                       v.SysStartTime, v.SysEndTime, v.IsCurrent
                FROM (SELECT AtomId, Modality, Subtype, ContentType, Metadata, ConceptId, ReferenceCount,
                             SysStartTime, SysEndTime, 1 AS IsCurrent
                      FROM dbo.Atom WHERE TenantId = ? AND ContentHash = ?
                      UNION ALL
                      SELECT AtomId, Modality, Subtype, ContentType, Metadata, ConceptId, ReferenceCount,
                             SysStartTime, SysEndTime, 0 AS IsCurrent
                      FROM dbo.AtomHistory WHERE TenantId = ? AND ContentHash = ?) v
                ORDER BY v.SysStartTime DESC, v.IsCurrent DESC, v.SysEndTime DESC
                OFFSET ? ROWS FETCH NEXT ? ROWS ONLY""");
    }

    /** One version: valid from {@code validFrom} until {@code validTo} (null while current). */
    public record Version(long atomId, boolean current, LocalDateTime validFrom, LocalDateTime validTo, String modality,
                          String subtype, String contentType, String metadata, Long conceptId, long referenceCount) {
    }

    /** Versions of the tenant's atom with this hash, newest first; empty when it never had one. */
    public List<Version> versions(int tenant, ContentHash hash, long offset, int limit) {
        List<Version> out = new ArrayList<>();
        for (Row r : Tx.execute(db, versions, List.of(tenant, hash.bytes(), tenant, hash.bytes(), offset, limit),
                "read atom history")) {
            LocalDateTime to = r.getLocalDateTime(8);
            boolean current = r.getInteger(9) == 1;
            out.add(new Version(r.getLong(0), current, r.getLocalDateTime(7),
                    current || !to.isBefore(OPEN) ? null : to, r.getString(1), r.getString(2), r.getString(3),
                    r.getString(4), r.getLong(5), r.getLong(6)));
        }
        return out;
    }
}
