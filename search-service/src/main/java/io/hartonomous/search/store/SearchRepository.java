package io.hartonomous.search.store;

import io.hartonomous.common.db.Tx;

import io.hartonomous.common.db.BulkInsert;
import io.hartonomous.common.db.Column;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.DbKind;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.SqlType;
import io.hartonomous.common.db.TableStorage;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.vector.Float32Vectors;
import io.hartonomous.search.embed.Projection;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tables search-service owns: SearchUnit, AtomEmbedding, EmbeddingProjection. Writes are
 * set-based (one statement per batch) and idempotent (a unit or embedding that exists is kept),
 * so a batch retried after a crash or done twice by two instances changes nothing.
 */
@ApplicationScoped
public class SearchRepository {

    /** Rows per statement when loading indexes. */
    static final int PAGE = 2000;
    /** Embeddings whose components go in one statement (a statement's rows stay in the tens of thousands). */
    static final int COMPONENT_EMBEDDINGS = 128;

    private final Database db;
    private final BulkInsert insertUnits;
    private final EmbeddingInsert insertEmbeddings;
    private final EmbeddingInsert insertEmbeddingsReturning;
    private final boolean vectorColumn;
    private final BulkInsert insertComponents;
    private final boolean components;
    private final String projection;
    private final String insertProjection;
    private final String unitsPage;
    private final String missingEmbeddings;
    private final String texts;
    private final String vectors;
    private final String ensureModel;
    private final String modelByName;
    private final String deadUnits;
    private final String deleteDeadComponents;
    private final String deleteDeadEmbeddings;
    private final String deleteDeadUnits;
    private final String remaining;

    public SearchRepository(Database db, io.hartonomous.search.SearchConfig config) {
        this.db = db;
        this.components = config.embeddingComponents().enabled();
        SqlDialect d = db.dialect();
        this.insertUnits = d.bulkInsert("dbo.SearchUnit", List.of(Column.of("TenantId", SqlType.INT),
                Column.of("AtomId", SqlType.BIGINT), Column.of("RootHash", SqlType.HASH), Column.of("UnitKind", SqlType.VARCHAR),
                Column.of("UnitPath", SqlType.VARCHAR), Column.of("SearchText", SqlType.TEXT)), List.of("TenantId", "AtomId"));
        this.vectorColumn = d.kind() == DbKind.SQLSERVER;
        this.insertEmbeddings = embeddingInsert(d, false);
        // with components: which embeddings this statement inserted (an existing one keeps its own)
        this.insertEmbeddingsReturning = embeddingInsert(d, true);
        this.insertComponents = d.bulkInsert("dbo.AtomEmbeddingComponent", List.of(Column.of("TenantId", SqlType.INT),
                Column.of("SourceAtomId", SqlType.BIGINT), Column.of("DimensionIndex", SqlType.SMALLINT),
                Column.of("ModelId", SqlType.INT), Column.of("ComponentValue", SqlType.REAL)),
                List.of("SourceAtomId", "DimensionIndex", "ModelId"));
        this.projection = d.render("SELECT MeanBytes, ComponentBytes, Scale, SampleSize FROM dbo.EmbeddingProjection WHERE ModelId = ?");
        this.insertProjection = d.insertIfAbsent("dbo.EmbeddingProjection",
                List.of("ModelId", "Dimensions", "MeanBytes", "ComponentBytes", "Scale", "SampleSize"), List.of("ModelId"));
        this.unitsPage = d.render("""
                SELECT u.TenantId, u.AtomId, a.ContentHash, a.Modality, a.Subtype, a.CreatedAt, u.RootHash, u.UnitKind,
                       u.UnitPath, u.SearchText, e.EmbeddingBytes, e.SpatialX, e.SpatialY, e.SpatialZ
                FROM dbo.SearchUnit u
                JOIN dbo.Atom a ON a.TenantId = u.TenantId AND a.AtomId = u.AtomId
                LEFT JOIN dbo.AtomEmbedding e ON e.TenantId = u.TenantId AND e.SourceAtomId = u.AtomId AND e.ModelId = ?
                WHERE u.TenantId > ? OR (u.TenantId = ? AND u.AtomId > ?)
                ORDER BY u.TenantId, u.AtomId
                OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY""");
        this.missingEmbeddings = d.render("""
                SELECT u.TenantId, u.AtomId, u.SearchText
                FROM dbo.SearchUnit u
                WHERE NOT EXISTS (SELECT 1 FROM dbo.AtomEmbedding e WHERE e.SourceAtomId = u.AtomId AND e.ModelId = ?)
                ORDER BY u.TenantId, u.AtomId
                OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY""");
        this.texts = d.render("SELECT AtomId, SearchText FROM dbo.SearchUnit WHERE TenantId = ? AND ")
                + d.inList("AtomId", SqlType.BIGINT, 2);
        this.vectors = d.render("""
                SELECT a.ContentHash, e.EmbeddingBytes
                FROM dbo.AtomEmbedding e JOIN dbo.Atom a ON a.TenantId = e.TenantId AND a.AtomId = e.SourceAtomId
                WHERE e.TenantId = ? AND e.ModelId = ? AND """) + " " + d.inList("a.ContentHash", SqlType.HASH, 3);
        this.ensureModel = d.insertIfAbsent("dbo.Model",
                List.of("TenantId", "ModelName", "ModelType", "Architecture", "ModelAtomHash", "Format"), List.of("TenantId", "ModelName"));
        this.modelByName = d.render("SELECT ModelId, ModelAtomHash FROM dbo.Model WHERE TenantId = ? AND ModelName = ?");
        // dead: no reference left (edges and pins both count) and the root it was found in is
        // unpinned; starts from the dead atoms (a filtered index), which are few between collections
        this.deadUnits = d.render("""
                SELECT u.TenantId, u.AtomId
                FROM dbo.Atom a
                JOIN dbo.SearchUnit u ON u.TenantId = a.TenantId AND u.AtomId = a.AtomId
                WHERE\s""" + d.deadAtom("a") + """
                  AND NOT EXISTS (SELECT 1 FROM dbo.AtomRoot r WHERE r.TenantId = u.TenantId AND r.RootHash = u.RootHash)
                ORDER BY u.TenantId, u.AtomId
                OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY""");
        // the deletes check the count again: an atom revived by an ingestion since keeps its rows
        String stillDead = " IN (SELECT a.AtomId FROM dbo.Atom a WHERE a.TenantId = ? AND a.ReferenceCount = 0 AND ";
        String ids = d.inList("a.AtomId", SqlType.BIGINT, 3) + ")";
        this.deleteDeadComponents = d.render("DELETE FROM dbo.AtomEmbeddingComponent WHERE TenantId = ? AND SourceAtomId"
                + stillDead) + ids;
        this.deleteDeadEmbeddings = d.render("DELETE FROM dbo.AtomEmbedding WHERE TenantId = ? AND SourceAtomId" + stillDead) + ids;
        this.deleteDeadUnits = d.render("DELETE FROM dbo.SearchUnit WHERE TenantId = ? AND AtomId" + stillDead) + ids;
        this.remaining = d.render("SELECT AtomId FROM dbo.SearchUnit WHERE TenantId = ? AND ")
                + d.inList("AtomId", SqlType.BIGINT, 2);
    }

    /** The dimensions of AtomEmbedding.EmbeddingVector on SQL Server. */
    static final int VECTOR_DIMENSIONS = 384;

    /** The AtomEmbedding insert: its text and the bulk statement whose binder it uses. */
    record EmbeddingInsert(String sql, BulkInsert bulk) {
    }

    /**
     * The set-based AtomEmbedding insert (rows whose (SourceAtomId, ModelId) exists are skipped),
     * returning SourceAtomId of the inserted rows when asked. On SQL Server it also fills the
     * native {@code EmbeddingVector VECTOR(384)} column: each row carries its vector as JSON array
     * text, cast to the vector type in the statement (null for a vector of other dimensions).
     */
    static EmbeddingInsert embeddingInsert(SqlDialect d, boolean returning) {
        List<Column> columns = new ArrayList<>(List.of(Column.of("TenantId", SqlType.INT),
                Column.of("SourceAtomId", SqlType.BIGINT), Column.of("ModelId", SqlType.INT),
                Column.of("EmbeddingBytes", SqlType.VARBINARY_MAX), Column.of("Dimensions", SqlType.SMALLINT),
                Column.of("SpatialX", SqlType.DOUBLE), Column.of("SpatialY", SqlType.DOUBLE), Column.of("SpatialZ", SqlType.DOUBLE),
                Column.of("HilbertValue", SqlType.BIGINT)));
        boolean vector = d.kind() == DbKind.SQLSERVER;
        if (vector) {
            columns.add(Column.of("EmbeddingVector", SqlType.TEXT));
        }
        List<String> key = List.of("SourceAtomId", "ModelId");
        BulkInsert bulk = returning
                ? d.bulkInsertReturning("dbo.AtomEmbedding", TableStorage.DISK, columns, key, List.of("SourceAtomId"))
                : d.bulkInsert("dbo.AtomEmbedding", columns, key);
        String sql = bulk.sql();
        if (vector) {
            String value = "s.EmbeddingVector";
            if (sql.indexOf(value) < 0 || sql.indexOf(value) != sql.lastIndexOf(value)) {
                throw new IllegalStateException("unexpected shape of the bulk insert: " + sql);
            }
            sql = sql.replace(value, "CAST(" + value + " AS VECTOR(" + VECTOR_DIMENSIONS + "))");
        }
        return new EmbeddingInsert(sql, bulk);
    }

    /** The vector as JSON array text, each float32 in its shortest decimal form that reads back exactly. */
    static String jsonArray(float[] v) {
        StringBuilder out = new StringBuilder(v.length * 12).append('[');
        for (int i = 0; i < v.length; i++) {
            out.append(i == 0 ? "" : ",").append(new java.math.BigDecimal(Float.toString(v[i])).toPlainString());
        }
        return out.append(']').toString();
    }

    /** A unit to store: its text, and its vector and point under {@code modelId} (null: not embedded). */
    public record NewUnit(int tenant, long atomId, ContentHash rootHash, String kind, String path, String text,
                          float[] vector, Projection.Point point) {
    }

    /**
     * Stores units and their embeddings in one transaction; existing ones are kept. With embedding
     * components enabled, the same transaction stores one AtomEmbeddingComponent row per dimension
     * of each embedding it inserted (one statement for the batch).
     */
    public void store(int modelId, List<NewUnit> units) {
        if (units.isEmpty()) {
            return;
        }
        Map<String, NewUnit> distinct = new java.util.LinkedHashMap<>();
        for (NewUnit u : units) {
            distinct.putIfAbsent(u.tenant() + ":" + u.atomId(), u);
        }
        List<Object[]> unitRows = new ArrayList<>();
        List<Object[]> embeddingRows = new ArrayList<>();
        for (NewUnit u : distinct.values()) {
            if (u.text() != null) {
                unitRows.add(new Object[]{u.tenant(), u.atomId(), u.rootHash().bytes(), u.kind(), u.path(), u.text()});
            }
            if (u.vector() != null) {
                Object[] row = {u.tenant(), u.atomId(), modelId, Float32Vectors.encode(u.vector()),
                        u.vector().length, u.point().x(), u.point().y(), u.point().z(), u.point().hilbert()};
                if (vectorColumn) {
                    row = java.util.Arrays.copyOf(row, row.length + 1);
                    row[row.length - 1] = u.vector().length == VECTOR_DIMENSIONS ? jsonArray(u.vector()) : null;
                }
                embeddingRows.add(row);
            }
        }
        Tx.inTransaction(db, "store embeddings", conn -> {
            if (!unitRows.isEmpty()) {
                Tx.execute(conn, insertUnits.sql(), insertUnits.bind(unitRows));
            }
            if (!embeddingRows.isEmpty() && !components) {
                Tx.execute(conn, insertEmbeddings.sql(), insertEmbeddings.bulk().bind(embeddingRows));
            } else if (!embeddingRows.isEmpty()) {
                Set<Long> inserted = new HashSet<>();
                for (Row r : Tx.execute(conn, insertEmbeddingsReturning.sql(), insertEmbeddingsReturning.bulk().bind(embeddingRows))) {
                    inserted.add(r.getLong(0));
                }
                List<Object[]> componentRows = new ArrayList<>();
                for (NewUnit u : distinct.values()) {
                    if (u.vector() != null && inserted.contains(u.atomId())) {
                        float[] v = u.vector();
                        for (int i = 0; i < v.length; i++) {
                            componentRows.add(new Object[]{u.tenant(), u.atomId(), (short) i, modelId, v[i]});
                        }
                    }
                }
                int step = COMPONENT_EMBEDDINGS * 384;
                for (int i = 0; i < componentRows.size(); i += step) {
                    List<Object[]> part = componentRows.subList(i, Math.min(componentRows.size(), i + step));
                    Tx.execute(conn, insertComponents.sql(), insertComponents.bind(part));
                }
            }
            return null;
        });
    }

    public Optional<Projection> projection(int modelId) {
        for (Row r : Tx.execute(db, projection, List.of(modelId), "read the projection")) {
            float[] mean = Float32Vectors.decode(Rows.bytes(r, 0));
            float[] flat = Float32Vectors.decode(Rows.bytes(r, 1));
            int d = mean.length;
            float[][] comps = {Arrays.copyOfRange(flat, 0, d), Arrays.copyOfRange(flat, d, 2 * d), Arrays.copyOfRange(flat, 2 * d, 3 * d)};
            return Optional.of(new Projection(mean, comps, r.getDouble(2), r.getInteger(3)));
        }
        return Optional.empty();
    }

    /** Stores the projection unless one exists; returns the one that stands. */
    public Projection saveProjection(int modelId, Projection p) {
        int d = p.dimensions();
        ByteBuffer comps = ByteBuffer.allocate(12 * d).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] c : p.components()) {
            for (float f : c) {
                comps.putFloat(f);
            }
        }
        Tx.execute(db, insertProjection, List.of(modelId, (short) d, Float32Vectors.encode(p.mean()), comps.array(), p.scale(),
                p.sampleSize()), "store the projection");
        return projection(modelId).orElseThrow();
    }

    /** One page of every tenant's units after (tenant, atomId), with their embedding under {@code modelId}. */
    public List<UnitRecord> unitsAfter(int modelId, int tenant, long atomId) {
        List<UnitRecord> out = new ArrayList<>(PAGE);
        for (Row r : Tx.execute(db, unitsPage, List.of(modelId, tenant, tenant, atomId, PAGE), "load search units")) {
            byte[] vec = Rows.bytes(r, 10);
            out.add(new UnitRecord(r.getInteger(0), r.getLong(1), Rows.hash(r, 2), r.getString(3), r.getString(4),
                    Rows.timestamp(r, 5), Rows.hash(r, 6), r.getString(7), r.getString(8), r.getString(9),
                    vec == null ? null : Float32Vectors.decode(vec),
                    vec == null ? null : new double[]{r.getDouble(11), r.getDouble(12), r.getDouble(13)}));
        }
        return out;
    }

    /** A unit without an embedding under a model. */
    public record Pending(int tenant, long atomId, String text) {
    }

    public List<Pending> missingEmbeddings(int modelId, int limit) {
        List<Pending> out = new ArrayList<>();
        for (Row r : Tx.execute(db, missingEmbeddings, List.of(modelId, limit), "find units to embed")) {
            out.add(new Pending(r.getInteger(0), r.getLong(1), r.getString(2)));
        }
        return out;
    }

    /** The stored texts of some of a tenant's units; units that no longer exist are absent. */
    public Map<Long, String> texts(int tenant, List<Long> atomIds) {
        Map<Long, String> out = new HashMap<>();
        if (atomIds.isEmpty()) {
            return out;
        }
        for (Row r : Tx.execute(db, texts, List.of(tenant, db.dialect().bindList(SqlType.BIGINT, atomIds)), "read unit texts")) {
            out.put(r.getLong(0), r.getString(1));
        }
        return out;
    }

    /** The stored vectors of a tenant's atoms under a model, by hash; atoms without one are absent. */
    public Map<ContentHash, float[]> vectors(int tenant, int modelId, List<ContentHash> hashes) {
        Map<ContentHash, float[]> out = new java.util.LinkedHashMap<>();
        if (hashes.isEmpty()) {
            return out;
        }
        List<Object> values = hashes.stream().map(h -> (Object) h.bytes()).toList();
        for (Row r : Tx.execute(db, vectors, List.of(tenant, modelId, db.dialect().bindList(SqlType.HASH, values)),
                "read embeddings")) {
            out.put(Rows.hash(r, 0), Float32Vectors.decode(Rows.bytes(r, 1)));
        }
        return out;
    }

    /** A unit of a tenant. */
    public record UnitKey(int tenant, long atomId) {
    }

    /**
     * Up to {@code limit} units of any tenant whose atom is dead: reference count 0 and the root it
     * was found in no longer pinned (a part still used by a live root keeps a count above 0).
     */
    public List<UnitKey> deadUnits(int limit) {
        List<UnitKey> out = new ArrayList<>();
        for (Row r : Tx.execute(db, deadUnits, List.of(limit), "find dead units")) {
            out.add(new UnitKey(r.getInteger(0), r.getLong(1)));
        }
        return out;
    }

    /**
     * Deletes the units of one tenant among {@code atomIds} whose atoms are still dead, with their
     * embeddings and embedding components under every model, in one transaction (three set-based
     * statements). Returns the ids whose units no longer exist (deleted now or before).
     */
    public List<Long> deleteDead(int tenant, List<Long> atomIds) {
        if (atomIds.isEmpty()) {
            return List.of();
        }
        Set<Long> kept = Tx.inTransaction(db, "remove dead units", conn -> {
            for (String sql : List.of(deleteDeadComponents, deleteDeadEmbeddings, deleteDeadUnits)) {
                // a bound list belongs to its statement: bind afresh for each one
                Tx.execute(conn, sql, List.of(tenant, tenant, db.dialect().bindList(SqlType.BIGINT, atomIds)));
            }
            Set<Long> left = new HashSet<>();
            for (Row r : Tx.execute(conn, remaining, List.of(tenant, db.dialect().bindList(SqlType.BIGINT, atomIds)))) {
                left.add(r.getLong(0));
            }
            return left;
        });
        return atomIds.stream().filter(id -> !kept.contains(id)).toList();
    }

    /** Those of the tenant's {@code atomIds} that still have a unit (garbage collection deletes them by cascade). */
    public Set<Long> existingUnits(int tenant, List<Long> atomIds) {
        Set<Long> out = new HashSet<>();
        if (atomIds.isEmpty()) {
            return out;
        }
        for (Row r : Tx.execute(db, remaining, List.of(tenant, db.dialect().bindList(SqlType.BIGINT, atomIds)), "check units")) {
            out.add(r.getLong(0));
        }
        return out;
    }

    /**
     * The Model row of the seed copy of the embedding model (jar mode only: without atom-service
     * nobody else registers it). Same name and file hash as atom-service's model ingestion would
     * write, so a later ingestion of the same file finds and reuses this row.
     */
    public int ensureSeedModel(int systemTenant, String name, ContentHash file) {
        Tx.execute(db, ensureModel, List.of(systemTenant, name, "sentence-embedding", "bert", file.bytes(), "onnx"),
                "register the embedding model");
        for (Row r : Tx.execute(db, modelByName, List.of(systemTenant, name), "find the embedding model")) {
            return r.getInteger(0);
        }
        throw new IllegalStateException("the embedding model row vanished");
    }
}
