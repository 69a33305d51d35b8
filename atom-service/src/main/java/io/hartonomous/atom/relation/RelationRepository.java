package io.hartonomous.atom.relation;

import io.hartonomous.atom.store.AtomRepository;
import io.hartonomous.atom.store.Rows;
import io.hartonomous.common.db.Tx;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.Query;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.hash.ContentHash;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code dbo.AtomRelation} by the tenant's atoms' hashes. Every statement is scoped by tenant;
 * the (TenantId, SourceAtomId, TargetAtomId, RelationType) key is unique (V5), so creation is
 * idempotent and safe against a concurrent creator.
 */
@ApplicationScoped
public class RelationRepository {

    private static final String SELECT = """
            SELECT r.AtomRelationId, s.ContentHash, t.ContentHash, r.RelationType, r.Weight, r.Confidence, r.Importance,
                   r.CreatedAt, rt.IsSystem
            FROM dbo.AtomRelation r
            JOIN dbo.Atom s ON s.TenantId = r.TenantId AND s.AtomId = r.SourceAtomId
            JOIN dbo.Atom t ON t.TenantId = r.TenantId AND t.AtomId = r.TargetAtomId
            LEFT JOIN ref.RelationType rt ON rt.Code = r.RelationType
            WHERE r.TenantId = ?""";

    private final Database db;
    private final AtomRepository atoms;
    private final String insert;
    private final String byKey;
    private final String byId;
    private final String delete;

    public RelationRepository(Database db, AtomRepository atoms) {
        this.db = db;
        this.atoms = atoms;
        SqlDialect d = db.dialect();
        this.insert = d.insertIfAbsent("dbo.AtomRelation",
                List.of("TenantId", "SourceAtomId", "TargetAtomId", "RelationType", "Weight", "Confidence", "Importance"),
                List.of("TenantId", "SourceAtomId", "TargetAtomId", "RelationType"));
        this.byKey = d.render(SELECT + " AND r.SourceAtomId = ? AND r.TargetAtomId = ? AND r.RelationType = ?");
        this.byId = d.render(SELECT + " AND r.AtomRelationId = ?");
        this.delete = d.render("DELETE FROM dbo.AtomRelation WHERE TenantId = ? AND AtomRelationId = ?");
    }

    /** A relation as the API shows it. {@code system}: the type is one of ref.RelationType's system types. */
    public record Relation(long id, String source, String target, String type, Double weight, Double confidence,
                           Double importance, LocalDateTime createdAt, boolean system) {
    }

    /** The outcome of a create: the relation, and whether this call inserted it. */
    public record Created(Relation relation, boolean created) {
    }

    /** AtomIds of those of the hashes the tenant has (absent ones are missing from the map). */
    public Map<ContentHash, Long> atomIds(int tenant, Set<ContentHash> hashes) {
        return Tx.inTransaction(db, "read atoms", conn -> atoms.ids(conn, tenant, hashes));
    }

    /**
     * Stores the relation unless the tenant has one with the same source, target and type, and
     * returns the stored one (its values unchanged when it existed). Empty when either atom is not
     * the tenant's.
     */
    public Optional<Created> create(int tenant, ContentHash source, ContentHash target, String type, Double weight,
                                    Double confidence, Double importance) {
        return Tx.inTransaction(db, "create a relation", conn -> {
            Map<ContentHash, Long> ids = atoms.ids(conn, tenant, Set.of(source, target));
            Long s = ids.get(source);
            Long t = ids.get(target);
            if (s == null || t == null) {
                return Optional.empty();
            }
            int inserted = Tx.execute(conn, insert, Arrays.asList(tenant, s, t, type,
                    weight == null ? null : weight.floatValue(), confidence, importance)).rowCount();
            Relation r = one(conn, byKey, List.of(tenant, s, t, type)).orElseThrow();
            return Optional.of(new Created(r, inserted == 1));
        });
    }

    public Optional<Relation> find(int tenant, long id) {
        return map(Tx.execute(db, byId, List.of(tenant, id), "read a relation")).stream().findFirst();
    }

    /**
     * One page of the tenant's relations from {@code sourceId} and/or to {@code targetId} (at least
     * one given), optionally of one type, in creation order.
     */
    public List<Relation> list(int tenant, Long sourceId, Long targetId, String type, long offset, int limit) {
        StringBuilder sql = new StringBuilder(SELECT);
        List<Object> params = new ArrayList<>(List.of(tenant));
        if (sourceId != null) {
            sql.append(" AND r.SourceAtomId = ?");
            params.add(sourceId);
        }
        if (targetId != null) {
            sql.append(" AND r.TargetAtomId = ?");
            params.add(targetId);
        }
        if (type != null) {
            sql.append(" AND r.RelationType = ?");
            params.add(type);
        }
        sql.append(" ORDER BY r.AtomRelationId OFFSET ? ROWS FETCH NEXT ? ROWS ONLY");
        params.add(offset);
        params.add(limit);
        Query q = new Query(db.dialect().render(sql.toString()), params);
        return map(Tx.execute(db, q.sql(), q.params(), "list relations"));
    }

    /** Deletes the tenant's relation; false when the tenant has none with this id. */
    public boolean delete(int tenant, long id) {
        return Tx.execute(db, delete, List.of(tenant, id), "delete a relation").rowCount() == 1;
    }

    private Optional<Relation> one(SqlConnection conn, String sql, List<Object> params) {
        return map(Tx.execute(conn, sql, params)).stream().findFirst();
    }

    private static List<Relation> map(Iterable<Row> rows) {
        List<Relation> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new Relation(r.getLong(0), ContentHash.of(Rows.bytes(r.getValue(1))).hex(),
                    ContentHash.of(Rows.bytes(r.getValue(2))).hex(), r.getString(3), real(r.getValue(4)),
                    decimal(r.getValue(5)), decimal(r.getValue(6)), r.getLocalDateTime(7), Boolean.TRUE.equals(r.getBoolean(8))));
        }
        return out;
    }

    /** A REAL as the decimal it was given as (0.3f reads back 0.3, not 0.30000001192092896). */
    private static Double real(Object v) {
        return v == null ? null : Double.valueOf(Float.toString(((Number) v).floatValue()));
    }

    private static Double decimal(Object v) {
        return v == null ? null : ((Number) v).doubleValue();
    }
}
