package io.hartonomous.atom.manage;

import io.hartonomous.common.db.Tx;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.SqlType;
import io.hartonomous.common.hash.ContentHash;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Statistics and garbage collection, tenant by tenant. */
@ApplicationScoped
public class ManageRepository {

    private final Database db;
    private final String statsByModality;
    private final String compositions;
    private final String ingested;
    private final String deadBatch;
    private final String deleteRelations;
    private final String deleteEdges;
    private final String deleteEdgesInto;
    private final String deleteCoefficients;
    private final String deleteOrphanCoefficients;
    private final String deleteOrphanModels;
    private final String deleteAtoms;
    private final String rootsPage;

    public ManageRepository(Database db) {
        this.db = db;
        SqlDialect d = db.dialect();
        // bytes stored: a leaf's value, a composite's 64-byte preview (its content lives in its leaves)
        this.statsByModality = d.render("""
                SELECT Modality, COUNT(*), SUM(CASE WHEN ReferenceCount = 0 THEN 1 ELSE 0 END),
                       SUM(CASE WHEN ContentLength <= 64 THEN ContentLength ELSE 64 END)
                FROM dbo.Atom WHERE TenantId = ? GROUP BY Modality""");
        this.compositions = d.render("SELECT COUNT(*) FROM dbo.AtomComposition WHERE TenantId = ?");
        this.ingested = d.render("""
                SELECT COUNT(*), COALESCE(SUM(TotalBytes), 0) FROM dbo.IngestionJob
                WHERE TenantId = ? AND JobStatus = 'Completed'""");
        // parents before children (a parent is always longer), so the FK from an edge never
        // points at an atom deleted in an earlier batch
        // (the dead-atom index holds them in this order on PostgreSQL)
        this.deadBatch = d.render("SELECT a.AtomId, a.ContentHash FROM dbo.Atom a WHERE a.TenantId = ? AND "
                + d.deadAtom("a") + " ORDER BY a.ContentLength DESC, a.AtomId OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY");
        this.deleteRelations = d.render("DELETE FROM dbo.AtomRelation WHERE TenantId = ? AND ")
                + d.inList("TargetAtomId", SqlType.BIGINT, 2);
        this.deleteEdges = d.render("DELETE FROM dbo.AtomComposition WHERE TenantId = ? AND ")
                + d.inList("ParentAtomHash", SqlType.HASH, 2);
        this.deleteEdgesInto = d.render("DELETE FROM dbo.AtomComposition WHERE TenantId = ? AND ")
                + d.inList("ComponentAtomHash", SqlType.HASH, 2);
        this.rootsPage = d.render("""
                SELECT r.RootHash, r.SourceName, r.JobId, r.PinnedAt, a.ContentLength, a.Modality, a.ContentType
                FROM dbo.AtomRoot r JOIN dbo.Atom a ON a.TenantId = r.TenantId AND a.ContentHash = r.RootHash
                WHERE r.TenantId = ?
                ORDER BY r.PinnedAt DESC, r.RootId DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY""");
        this.deleteCoefficients = d.render("DELETE FROM dbo.TensorAtomCoefficient WHERE TenantId = ? AND ")
                + d.inList("ValueAtomId", SqlType.BIGINT, 2);
        // a model whose file atom is gone (collected, or its ingestion failed) and that no
        // unfinished job is still writing; models that embeddings were made with stay
        String orphan = """
                m.TenantId = ? AND m.ModelAtomHash IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM dbo.Atom a WHERE a.TenantId = m.TenantId AND a.ContentHash = m.ModelAtomHash)
                AND NOT EXISTS (SELECT 1 FROM dbo.IngestionJob j WHERE j.TenantId = m.TenantId
                                AND j.RootHash = m.ModelAtomHash AND j.JobStatus IN ('Pending', 'Processing'))
                AND NOT EXISTS (SELECT 1 FROM dbo.AtomEmbedding e WHERE e.ModelId = m.ModelId)
                AND NOT EXISTS (SELECT 1 FROM dbo.AtomEmbeddingComponent c WHERE c.ModelId = m.ModelId)""";
        this.deleteOrphanCoefficients = d.render("DELETE FROM dbo.TensorAtomCoefficient WHERE TenantId = ? AND ModelId IN "
                + "(SELECT m.ModelId FROM dbo.Model m WHERE " + orphan + ")");
        this.deleteOrphanModels = d.render("DELETE FROM dbo.Model WHERE ModelId IN (SELECT m.ModelId FROM dbo.Model m WHERE "
                + orphan + ")");
        this.deleteAtoms = d.render("DELETE FROM dbo.Atom WHERE TenantId = ? AND ReferenceCount = 0 AND ")
                + d.inList("AtomId", SqlType.BIGINT, 2);
    }

    public record ModalityStats(long atoms, long deadAtoms, long bytesStored) {
    }

    public record Stats(long atoms, long compositions, long bytesIngested, long bytesStored, long deadAtoms,
                        long ingestions, double dedupRatio, Map<String, ModalityStats> byModality) {
    }

    /** A pin of the tenant on an ingested root. */
    public record Root(String hash, String sourceName, long size, String modality, String contentType,
                       java.util.UUID jobId, java.time.LocalDateTime pinnedAt) {
    }

    /** One page of the tenant's pins, newest first. */
    public List<Root> roots(int tenant, long offset, int limit) {
        List<Root> out = new ArrayList<>();
        for (Row r : Tx.execute(db, rootsPage, List.of(tenant, offset, limit), "list roots")) {
            out.add(new Root(ContentHash.of(io.hartonomous.atom.store.Rows.bytes(r.getValue(0))).hex(), r.getString(1),
                    r.getLong(4), r.getString(5), r.getString(6), r.getUUID(2), r.getLocalDateTime(3)));
        }
        return out;
    }

    public Stats stats(int tenant) {
        Map<String, ModalityStats> byModality = new LinkedHashMap<>();
        long atoms = 0;
        long dead = 0;
        long stored = 0;
        for (Row r : Tx.execute(db, statsByModality, List.of(tenant), "compute statistics")) {
            ModalityStats m = new ModalityStats(r.getLong(1), r.getLong(2), r.getLong(3));
            byModality.put(r.getString(0), m);
            atoms += m.atoms();
            dead += m.deadAtoms();
            stored += m.bytesStored();
        }
        long edges = Tx.execute(db, compositions, List.of(tenant), "compute statistics").iterator().next().getLong(0);
        Row in = Tx.execute(db, ingested, List.of(tenant), "compute statistics").iterator().next();
        long ingestions = in.getLong(0);
        long bytesIngested = in.getLong(1);
        double ratio = stored == 0 ? 0 : (double) bytesIngested / stored;
        return new Stats(atoms, edges, bytesIngested, stored, dead, ingestions, ratio, byModality);
    }

    /**
     * Deletes up to {@code batch} dead atoms of the tenant (never one in {@code pending}), with the
     * composition edges out of and into them, the relations pointing at them and the tensor
     * coefficients whose value they are. Edges into a dead atom come only from dead parents (the
     * counts say so), which may fall in a later batch; a coefficient's value atom is dead only when
     * its model file is (unpinned, or its ingestion failed), as the file's tree holds every value.
     * Model rows whose file atom is gone go too, with their layers and coefficients (a failed
     * ingestion's coefficients may point at values shared with live content).
     * Returns how many atoms went.
     */
    public int collectBatch(SqlConnection conn, int tenant, int batch, Set<ContentHash> pending) {
        List<Object> ids = new ArrayList<>();
        List<Object> hashes = new ArrayList<>();
        for (Row r : Tx.execute(conn, deadBatch, List.of(tenant, batch))) {
            byte[] hash = io.hartonomous.atom.store.Rows.bytes(r.getValue(1));
            if (!pending.contains(ContentHash.of(hash))) {
                ids.add(r.getLong(0));
                hashes.add(hash);
            }
        }
        if (ids.isEmpty()) {
            deleteOrphanModels(conn, tenant);
            return 0;
        }
        // a bound list belongs to its statement: bind afresh for each one
        Tx.execute(conn, deleteEdges, List.of(tenant, db.dialect().bindList(SqlType.HASH, hashes)));
        Tx.execute(conn, deleteEdgesInto, List.of(tenant, db.dialect().bindList(SqlType.HASH, hashes)));
        Tx.execute(conn, deleteRelations, List.of(tenant, db.dialect().bindList(SqlType.BIGINT, ids)));
        Tx.execute(conn, deleteCoefficients, List.of(tenant, db.dialect().bindList(SqlType.BIGINT, ids)));
        int deleted = Tx.execute(conn, deleteAtoms, List.of(tenant, db.dialect().bindList(SqlType.BIGINT, ids))).rowCount();
        deleteOrphanModels(conn, tenant);
        return deleted;
    }

    /** The Model rows (with their layers and coefficients) of model files that are gone. */
    private void deleteOrphanModels(SqlConnection conn, int tenant) {
        Tx.execute(conn, deleteOrphanCoefficients, List.of(tenant, tenant));
        Tx.execute(conn, deleteOrphanModels, List.of(tenant));
    }
}
