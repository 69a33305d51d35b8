package io.hartonomous.atom.lineage;

import io.hartonomous.atom.store.Rows;
import io.hartonomous.common.db.Tx;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.SqlType;
import io.hartonomous.common.hash.ContentHash;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads for lineage: the atoms that contain an atom (up the composition graph), the pinned roots
 * among them, and the derivations recorded for an atom (provenance.WasDerivedFrom and the
 * derives_from / decodes_to relations).
 */
@ApplicationScoped
public class LineageRepository {

    private final Database db;
    private final String parentsOf;
    private final String rootsPage;
    private final String rootsCount;
    private final String relationDerivations;
    private final String recordedDerivations;

    public LineageRepository(Database db) {
        this.db = db;
        SqlDialect d = db.dialect();
        this.parentsOf = d.render("SELECT DISTINCT ParentAtomHash FROM dbo.AtomComposition WHERE TenantId = ? AND ")
                + d.inList("ComponentAtomHash", SqlType.HASH, 2);
        // the list is the last parameter, so the portable placeholders before it number 1..3
        this.rootsPage = d.render("SELECT r.RootHash, r.SourceName, r.JobId, r.PinnedAt FROM dbo.AtomRoot r WHERE r.TenantId = ? AND "
                + d.inList("r.RootHash", SqlType.HASH, 4)
                + " ORDER BY r.PinnedAt DESC, r.RootId DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY");
        this.rootsCount = d.render("SELECT COUNT(*) FROM dbo.AtomRoot r WHERE r.TenantId = ? AND ")
                + d.inList("r.RootHash", SqlType.HASH, 2);
        this.relationDerivations = d.render("""
                SELECT rel.AtomRelationId, rel.RelationType, s.ContentHash, t.ContentHash
                FROM dbo.AtomRelation rel
                JOIN dbo.Atom s ON s.TenantId = rel.TenantId AND s.AtomId = rel.SourceAtomId
                JOIN dbo.Atom t ON t.TenantId = rel.TenantId AND t.AtomId = rel.TargetAtomId
                WHERE rel.TenantId = ? AND (rel.SourceAtomId = ? OR rel.TargetAtomId = ?)
                  AND rel.RelationType IN ('derives_from', 'decodes_to')
                ORDER BY rel.AtomRelationId OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY""");
        this.recordedDerivations = d.render("""
                SELECT w.GeneratedHash, w.UsedHash, w.DerivationType, w.ActivityId, a.JobId, e.EntityId, e.SourceName
                FROM provenance.WasDerivedFrom w
                LEFT JOIN provenance.Activity a ON a.TenantId = w.TenantId AND a.ActivityId = w.ActivityId
                LEFT JOIN provenance.Entity e ON e.TenantId = w.TenantId AND e.EntityId = w.UsedEntityId
                WHERE w.TenantId = ? AND (w.GeneratedHash = ? OR w.UsedHash = ?)
                ORDER BY w.DerivationId OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY""");
    }

    /** The atom and its ancestors, and whether the walk stopped at a bound before the top. */
    public record Ancestry(Set<ContentHash> atoms, boolean truncated) {
    }

    /**
     * The atom and every atom that contains it, walked up the composition graph one level per
     * statement (a set, so shared sub-trees are visited once). Stops after {@code maxLevels} levels
     * or once {@code maxAtoms} atoms are collected, and says so.
     */
    public Ancestry ancestry(int tenant, ContentHash atom, int maxLevels, int maxAtoms) {
        Set<ContentHash> seen = new LinkedHashSet<>();
        seen.add(atom);
        List<ContentHash> frontier = List.of(atom);
        for (int level = 0; !frontier.isEmpty(); level++) {
            if (level == maxLevels) {
                return new Ancestry(seen, true);
            }
            List<Object> values = frontier.stream().map(h -> (Object) h.bytes()).toList();
            List<ContentHash> next = new ArrayList<>();
            for (Row r : Tx.execute(db, parentsOf, List.of(tenant, db.dialect().bindList(SqlType.HASH, values)),
                    "walk compositions")) {
                ContentHash parent = ContentHash.of(Rows.bytes(r.getValue(0)));
                if (seen.add(parent)) {
                    next.add(parent);
                    if (seen.size() >= maxAtoms) {
                        return new Ancestry(seen, true);
                    }
                }
            }
            frontier = next;
        }
        return new Ancestry(seen, false);
    }

    /** A pin of the tenant on a root. */
    public record Pin(ContentHash hash, String sourceName, UUID jobId, LocalDateTime pinnedAt) {
    }

    /** The tenant's pins on any of {@code hashes}, newest first, one page. */
    public List<Pin> pins(int tenant, Set<ContentHash> hashes, long offset, int size) {
        List<Pin> out = new ArrayList<>();
        for (Row r : Tx.execute(db, rootsPage, List.of(tenant, offset, size, bind(hashes)), "read roots")) {
            out.add(new Pin(ContentHash.of(Rows.bytes(r.getValue(0))), r.getString(1), r.getUUID(2), r.getLocalDateTime(3)));
        }
        return out;
    }

    /** How many pins of the tenant are on any of {@code hashes}. */
    public long countPins(int tenant, Set<ContentHash> hashes) {
        return Tx.execute(db, rootsCount, List.of(tenant, bind(hashes)), "read roots").iterator().next().getLong(0);
    }

    private Object bind(Set<ContentHash> hashes) {
        return db.dialect().bindList(SqlType.HASH, hashes.stream().map(h -> (Object) h.bytes()).toList());
    }

    /** A derives_from or decodes_to relation touching an atom. */
    public record RelationEdge(long relationId, String type, ContentHash source, ContentHash target) {
    }

    /** Up to {@code limit} derives_from / decodes_to relations from or to the atom with this id. */
    public List<RelationEdge> derivationRelations(int tenant, long atomId, int limit) {
        List<RelationEdge> out = new ArrayList<>();
        for (Row r : Tx.execute(db, relationDerivations, List.of(tenant, atomId, atomId, limit), "read relations")) {
            out.add(new RelationEdge(r.getLong(0), r.getString(1), ContentHash.of(Rows.bytes(r.getValue(2))),
                    ContentHash.of(Rows.bytes(r.getValue(3)))));
        }
        return out;
    }

    /** A recorded PROV derivation: generated ← used (an atom, or a source entity). */
    public record Derivation(ContentHash generated, ContentHash usedAtom, Long usedEntityId, String usedSourceName,
                             String type, Long activityId, UUID jobId) {
    }

    /** Up to {@code limit} recorded derivations in which the atom is generated or used. */
    public List<Derivation> recordedDerivations(int tenant, ContentHash atom, int limit) {
        List<Derivation> out = new ArrayList<>();
        for (Row r : Tx.execute(db, recordedDerivations, List.of(tenant, atom.bytes(), atom.bytes(), limit),
                "read provenance")) {
            byte[] used = Rows.bytes(r.getValue(1));
            out.add(new Derivation(ContentHash.of(Rows.bytes(r.getValue(0))), used == null ? null : ContentHash.of(used),
                    r.getLong(5), r.getString(6), r.getString(2), r.getLong(3), r.getUUID(4)));
        }
        return out;
    }
}
