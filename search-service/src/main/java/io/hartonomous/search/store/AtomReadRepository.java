package io.hartonomous.search.store;

import io.hartonomous.common.db.Tx;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.SqlType;
import io.hartonomous.common.hash.ContentHash;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what atom-service wrote (Atom, AtomComposition, AtomRoot, Model, ModelLayer); writes
 * nothing. Trees are read level by level: one statement expands every composite of a level for a
 * whole batch of roots, so a batch of documents costs as many statements as its trees are deep
 * (text: document, block, line, token), not one per atom. Portable SQL through the dialect's
 * list binding, where a recursive CTE would need each product's own spelling.
 */
@ApplicationScoped
public class AtomReadRepository {

    /** Composites expanded per statement. */
    static final int EXPAND_AT_ONCE = 2000;

    private final Database db;
    private final String newRoots;
    private final String children;
    private final String atomsByHash;
    private final String modelByHash;
    private final String modelById;
    private final String modelLayers;
    private final String conceptMembers;

    public AtomReadRepository(Database db) {
        this.db = db;
        SqlDialect d = db.dialect();
        this.newRoots = d.render("""
                SELECT r.RootId, r.TenantId, r.RootHash, r.SourceName, a.AtomId, a.Modality, a.Subtype, a.ContentType,
                       a.Metadata, a.ContentLength, a.AtomicValue, a.CreatedAt
                FROM dbo.AtomRoot r
                JOIN dbo.Atom a ON a.TenantId = r.TenantId AND a.ContentHash = r.RootHash
                WHERE r.RootId > ?
                  AND NOT EXISTS (SELECT 1 FROM dbo.SearchUnit u WHERE u.TenantId = r.TenantId AND u.AtomId = a.AtomId)
                ORDER BY r.RootId
                OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY""");
        this.children = d.render("""
                SELECT c.ParentAtomHash, c.SequenceIndex, a.ContentHash, a.AtomId, a.ContentLength, a.AtomicValue,
                       a.Modality, a.Subtype
                FROM dbo.AtomComposition c
                JOIN dbo.Atom a ON a.TenantId = c.TenantId AND a.ContentHash = c.ComponentAtomHash
                WHERE c.TenantId = ? AND """) + " " + d.inList("c.ParentAtomHash", SqlType.HASH, 2)
                + " ORDER BY c.ParentAtomHash, c.SequenceIndex";
        this.atomsByHash = d.render("""
                SELECT ContentHash, AtomId, ContentLength, AtomicValue, Modality, Subtype
                FROM dbo.Atom WHERE TenantId = ? AND """) + " " + d.inList("ContentHash", SqlType.HASH, 2);
        this.modelByHash = d.render("""
                SELECT ModelId, ModelName, ModelType, Architecture, ParameterCount
                FROM dbo.Model WHERE TenantId = ? AND ModelAtomHash = ?
                ORDER BY ModelId OFFSET 0 ROWS FETCH NEXT 1 ROWS ONLY""");
        this.modelById = d.render("SELECT ModelAtomHash FROM dbo.Model WHERE ModelId = ?");
        this.modelLayers = d.render("""
                SELECT LayerName, LayerType, TensorShape FROM dbo.ModelLayer WHERE ModelId = ?
                ORDER BY LayerIndex OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY""");
        this.conceptMembers = d.render("SELECT AtomId FROM dbo.Atom WHERE TenantId = ? AND ConceptId = ?");
    }

    /**
     * Up to {@code limit} roots with {@code RootId > after} of any tenant that have no SearchUnit
     * yet, in RootId order (a root pinned twice appears twice).
     */
    public List<RootRecord> unindexedRoots(long after, int limit) {
        List<RootRecord> out = new ArrayList<>();
        for (Row r : Tx.execute(db, newRoots, List.of(after, limit), "find roots to index")) {
            out.add(new RootRecord(r.getLong(0), r.getInteger(1), Rows.hash(r, 2), r.getString(3), r.getLong(4),
                    r.getString(5), r.getString(6), r.getString(7), r.getString(8), r.getLong(9), Rows.bytes(r, 10),
                    Rows.timestamp(r, 11)));
        }
        return out;
    }

    /** The given atoms of one tenant, by hash; hashes the tenant does not hold are absent. */
    public Map<ContentHash, AtomNode> atoms(int tenant, Collection<ContentHash> hashes) {
        Map<ContentHash, AtomNode> out = new HashMap<>();
        List<ContentHash> all = new ArrayList<>(new LinkedHashSet<>(hashes));
        for (int i = 0; i < all.size(); i += EXPAND_AT_ONCE) {
            List<Object> values = all.subList(i, Math.min(all.size(), i + EXPAND_AT_ONCE)).stream()
                    .map(h -> (Object) h.bytes()).toList();
            for (Row r : Tx.execute(db, atomsByHash, List.of(tenant, db.dialect().bindList(SqlType.HASH, values)), "read atoms")) {
                ContentHash h = Rows.hash(r, 0);
                out.put(h, new AtomNode(h, r.getLong(1), r.getLong(2), Rows.bytes(r, 3), r.getString(4), r.getString(5), List.of()));
            }
        }
        return out;
    }

    /**
     * The whole trees under {@code roots} (which must be in {@code tree} already), expanded level by
     * level into {@code tree}: every composite reachable gets its children list. A subtree shared
     * by several roots or repeated inside one is read once.
     *
     * @throws IllegalStateException when a composite has no stored components
     */
    public void expand(int tenant, Map<ContentHash, AtomNode> tree, Collection<ContentHash> roots) {
        Set<ContentHash> frontier = new LinkedHashSet<>();
        for (ContentHash h : roots) {
            AtomNode n = tree.get(h);
            if (n != null && !n.leaf() && n.children().isEmpty()) {
                frontier.add(h);
            }
        }
        while (!frontier.isEmpty()) {
            Set<ContentHash> next = new LinkedHashSet<>();
            List<ContentHash> level = new ArrayList<>(frontier);
            for (int i = 0; i < level.size(); i += EXPAND_AT_ONCE) {
                List<ContentHash> part = level.subList(i, Math.min(level.size(), i + EXPAND_AT_ONCE));
                List<Object> values = part.stream().map(h -> (Object) h.bytes()).toList();
                Map<ContentHash, List<ContentHash>> kids = new HashMap<>();
                for (Row r : Tx.execute(db, children, List.of(tenant, db.dialect().bindList(SqlType.HASH, values)),
                        "read compositions")) {
                    ContentHash parent = Rows.hash(r, 0);
                    ContentHash child = Rows.hash(r, 2);
                    kids.computeIfAbsent(parent, k -> new ArrayList<>()).add(child);
                    if (!tree.containsKey(child)) {
                        AtomNode node = new AtomNode(child, r.getLong(3), r.getLong(4), Rows.bytes(r, 5), r.getString(6),
                                r.getString(7), List.of());
                        tree.put(child, node);
                        if (!node.leaf()) {
                            next.add(child);
                        }
                    }
                }
                for (ContentHash p : part) {
                    List<ContentHash> k = kids.get(p);
                    if (k == null) {
                        throw new IllegalStateException("composite " + p + " has no stored components");
                    }
                    AtomNode old = tree.get(p);
                    tree.put(p, new AtomNode(old.hash(), old.atomId(), old.length(), old.value(), old.modality(), old.subtype(),
                            List.copyOf(k)));
                }
            }
            frontier = next;
        }
    }

    /** Writes the bytes of {@code root} from an {@link #expand expanded} tree, in order. */
    public static void write(Map<ContentHash, AtomNode> tree, ContentHash root, OutputStream out) throws IOException {
        Deque<ContentHash> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            AtomNode n = tree.get(stack.pop());
            if (n.leaf()) {
                out.write(n.value());
            } else {
                List<ContentHash> kids = n.children();
                for (int i = kids.size() - 1; i >= 0; i--) {
                    stack.push(kids.get(i));
                }
            }
        }
    }

    /** A model of a tenant, found by the hash of its file. */
    public record ModelRow(int modelId, String name, String type, String architecture, Long parameterCount) {
    }

    public java.util.Optional<ModelRow> modelByFile(int tenant, ContentHash file) {
        for (Row r : Tx.execute(db, modelByHash, List.of(tenant, file.bytes()), "find a model")) {
            return java.util.Optional.of(new ModelRow(r.getInteger(0), r.getString(1), r.getString(2), r.getString(3),
                    r.getLong(4)));
        }
        return java.util.Optional.empty();
    }

    public java.util.Optional<ContentHash> modelFile(int modelId) {
        for (Row r : Tx.execute(db, modelById, List.of(modelId), "find a model")) {
            byte[] b = Rows.bytes(r, 0);
            return b == null ? java.util.Optional.empty() : java.util.Optional.of(ContentHash.of(b));
        }
        return java.util.Optional.empty();
    }

    /** "name type shape" of the model's first {@code limit} layers. */
    public List<String> layers(int modelId, int limit) {
        List<String> out = new ArrayList<>();
        for (Row r : Tx.execute(db, modelLayers, List.of(modelId, limit), "read model layers")) {
            out.add(r.getString(0) + " " + r.getString(1) + (r.getString(2) == null ? "" : " " + r.getString(2)));
        }
        return out;
    }

    /** AtomIds of the tenant's atoms in a concept. */
    public Set<Long> conceptMembers(int tenant, long conceptId) {
        Set<Long> out = new java.util.HashSet<>();
        for (Row r : Tx.execute(db, conceptMembers, List.of(tenant, conceptId), "read concept members")) {
            out.add(r.getLong(0));
        }
        return out;
    }
}
