package io.hartonomous.atom.store;

import io.hartonomous.common.db.Tx;

import io.hartonomous.atom.atomize.AtomNode;
import io.hartonomous.common.db.BulkInsert;
import io.hartonomous.common.db.Column;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.SqlType;
import io.hartonomous.common.hash.ContentHash;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Atoms, composition edges, reference counts and root pins. Writes happen inside a caller's
 * transaction that first took the tenant's atom lock ({@link #lockTenant}), so the "does it
 * exist" answers and the count transitions within it cannot race another writer of the tenant.
 * Writers that only add references may hold it shared ({@link #lockStatement(int, boolean)}).
 *
 * <p>Reference counts: an atom's count is the number of composition edges from parents that are
 * live or still being ingested, plus its root pins. When a count drops to 0 the atom is dead and
 * its own edges stop counting (children are decremented, recursively); when a dead atom is
 * referenced again its edges count again (children incremented, recursively). Atoms created by
 * a job and not yet given their parent ("pending") are not dead: their edges already count.
 */
@ApplicationScoped
public class AtomRepository {

    /** Namespace of the per-tenant atom lock (any constant unique among the suite's locks). */
    public static final int LOCK_NAMESPACE = 0x41544f4d;
    private static final Column HASH = Column.of("ContentHash", SqlType.HASH);

    private final Database db;
    private final String lockExclusive;
    private final String lockShared;
    private final String existing;
    private final String lengths;
    private final BulkInsert insertAtoms;
    private final BulkInsert insertOrAddLeaves;
    private final BulkInsert insertEdges;
    private final BulkInsert addReferences;
    private final String childrenOf;
    private final String selectAtom;
    private final String selectChildren;
    private final String selectPieces;
    private final String selectChildPieces;
    private final String componentPage;
    private final String pinsOf;
    private final String rootName;
    private final String deletePinsOfJobs;
    private final String atomIds;
    private final String relationsFrom;
    private final BulkInsert insertRelations;
    private final BulkInsert insertPins;

    public AtomRepository(Database db) {
        this.db = db;
        SqlDialect d = db.dialect();
        this.lockExclusive = d.transactionLock(LOCK_NAMESPACE, true);
        this.lockShared = d.transactionLock(LOCK_NAMESPACE, false);
        this.existing = d.render("SELECT ContentHash, ReferenceCount FROM dbo.Atom WHERE TenantId = ? AND ")
                + d.inList("ContentHash", SqlType.HASH, 2);
        this.lengths = d.render("SELECT ContentHash, ContentLength FROM dbo.Atom WHERE TenantId = ? AND ")
                + d.inList("ContentHash", SqlType.HASH, 2);
        List<Column> atomColumns = List.of(
                Column.of("TenantId", SqlType.INT), HASH, Column.of("AtomicValue", SqlType.VARBINARY_64),
                Column.of("ContentLength", SqlType.BIGINT), Column.of("Modality", SqlType.VARCHAR),
                Column.of("Subtype", SqlType.VARCHAR), Column.of("ContentType", SqlType.VARCHAR),
                Column.of("ReferenceCount", SqlType.BIGINT));
        this.insertAtoms = d.bulkInsert("dbo.Atom", atomColumns,
                // no conflict clause: a chunk inserts only distinct atoms its own transaction found
                // absent under the tenant's lock, so none can be there (a speculative ON CONFLICT
                // insertion costs more per row, and would hide a broken lock as a silent skip); under
                // the shared lock a composite another writer inserted meanwhile fails here, and the
                // chunk runs again exclusively
                List.of());
        // under the shared lock, leaves another writer inserted meanwhile: a leaf has no components,
        // so whoever inserts it first, it only needs this chunk's references added to its count
        this.insertOrAddLeaves = d.bulkUpsertReportingInserts("dbo.Atom", atomColumns, List.of("TenantId", "ContentHash"),
                List.of(io.hartonomous.common.db.ColumnUpdate.add("ReferenceCount")));
        this.insertEdges = d.bulkInsert("dbo.AtomComposition", List.of(
                Column.of("TenantId", SqlType.INT), Column.of("ParentAtomHash", SqlType.HASH),
                Column.of("ComponentAtomHash", SqlType.HASH), Column.of("SequenceIndex", SqlType.BIGINT),
                Column.of("PositionX", SqlType.DOUBLE), Column.of("PositionY", SqlType.DOUBLE),
                Column.of("PositionZ", SqlType.DOUBLE), Column.of("PositionM", SqlType.BIGINT)), List.of());
        this.addReferences = d.bulkAdd("dbo.Atom", "TenantId", HASH, "ReferenceCount");
        this.childrenOf = d.render("SELECT ParentAtomHash, ComponentAtomHash FROM dbo.AtomComposition WHERE TenantId = ? AND ")
                + d.inList("ParentAtomHash", SqlType.HASH, 2);
        this.selectAtom = d.render("""
                SELECT AtomId, ContentHash, AtomicValue, ContentLength, Modality, Subtype, ContentType,
                       ReferenceCount, ConceptId, CreatedAt
                FROM dbo.Atom WHERE TenantId = ? AND ContentHash = ?""");
        // reconstruction: the components of parents in order (the parent/sequence index holds them),
        // then the atoms it has not seen yet (a document repeats its tokens and lines)
        this.selectChildren = d.render("""
                SELECT ParentAtomHash, ComponentAtomHash FROM dbo.AtomComposition
                WHERE TenantId = ? AND """) + " " + d.inList("ParentAtomHash", SqlType.HASH, 2)
                + " ORDER BY ParentAtomHash, SequenceIndex";
        this.selectChildPieces = d.render("""
                SELECT c.ParentAtomHash, c.ComponentAtomHash, a.ContentLength, a.AtomicValue
                FROM dbo.AtomComposition c
                JOIN dbo.Atom a ON a.TenantId = c.TenantId AND a.ContentHash = c.ComponentAtomHash
                WHERE c.TenantId = ? AND """) + " " + d.inList("c.ParentAtomHash", SqlType.HASH, 2)
                + " ORDER BY c.ParentAtomHash, c.SequenceIndex";
        this.selectPieces = d.render("SELECT ContentHash, ContentLength, AtomicValue FROM dbo.Atom WHERE TenantId = ? AND ")
                + d.inList("ContentHash", SqlType.HASH, 2);
        this.componentPage = d.render("""
                SELECT c.ParentAtomHash, c.SequenceIndex, c.ComponentAtomHash, a.ContentLength, a.AtomicValue,
                       a.Modality, a.Subtype, c.PositionX, c.PositionY, c.PositionZ, c.PositionM
                FROM dbo.AtomComposition c
                JOIN dbo.Atom a ON a.TenantId = c.TenantId AND a.ContentHash = c.ComponentAtomHash
                WHERE c.TenantId = ? AND c.ParentAtomHash = ?
                ORDER BY c.SequenceIndex OFFSET ? ROWS FETCH NEXT ? ROWS ONLY""");
        this.insertPins = d.bulkInsert("dbo.AtomRoot", List.of(Column.of("TenantId", SqlType.INT), Column.of("RootHash", SqlType.HASH),
                Column.of("JobId", SqlType.UUID), Column.of("SourceName", SqlType.VARCHAR)), List.of());
        // the name of a root's latest pin
        this.rootName = d.render("""
                SELECT SourceName FROM dbo.AtomRoot WHERE TenantId = ? AND RootHash = ?
                ORDER BY PinnedAt DESC OFFSET 0 ROWS FETCH NEXT 1 ROWS ONLY""");
        // the pins on a root and, where the root is a job's input, the other pins of that job (its
        // derived views, the files of an archive) — unpinning a file of an archive or a batch leaves
        // the job's other files pinned
        this.pinsOf = d.render("""
                SELECT RootId, RootHash, JobId FROM dbo.AtomRoot WHERE TenantId = ? AND (RootHash = ? OR JobId IN (
                    SELECT r.JobId FROM dbo.AtomRoot r
                    JOIN dbo.IngestionJob j ON j.TenantId = r.TenantId AND j.JobId = r.JobId AND j.RootHash = r.RootHash
                    WHERE r.TenantId = ? AND r.RootHash = ?))""");
        this.deletePinsOfJobs = d.render("DELETE FROM dbo.AtomRoot WHERE TenantId = ? AND ") + d.inList("RootId", SqlType.BIGINT, 2);
        this.atomIds = d.render("SELECT ContentHash, AtomId FROM dbo.Atom WHERE TenantId = ? AND ")
                + d.inList("ContentHash", SqlType.HASH, 2);
        this.relationsFrom = d.render("SELECT SourceAtomId, TargetAtomId, RelationType FROM dbo.AtomRelation WHERE TenantId = ? AND ")
                + d.inList("SourceAtomId", SqlType.BIGINT, 2);
        this.insertRelations = d.bulkInsert("dbo.AtomRelation", List.of(Column.of("TenantId", SqlType.INT),
                Column.of("SourceAtomId", SqlType.BIGINT), Column.of("TargetAtomId", SqlType.BIGINT),
                Column.of("RelationType", SqlType.VARCHAR), Column.of("Weight", SqlType.REAL)), List.of());
    }

    public Database database() {
        return db;
    }

    /** When to refresh the statistics: the rows this instance inserted, against the rows the last refresh counted. */
    private final StatisticsRefreshPolicy refreshPolicy = new StatisticsRefreshPolicy();
    private final java.util.concurrent.atomic.AtomicBoolean analyzing = new java.util.concurrent.atomic.AtomicBoolean();
    private static final java.util.concurrent.ExecutorService ANALYZER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "atom-analyze");
        t.setDaemon(true);
        return t;
    });

    /**
     * Refreshes the statistics when the tables grew by a fifth (or by 1,000 rows while small) since
     * the last refresh by this instance, or a tenant new to the statistics inserted 1,000 rows
     * ({@link StatisticsRefreshPolicy}) — in the background, one refresh at a time, never on the
     * write path (measured: refreshing on the committing thread took a quarter of a large
     * ingestion's time). Stale statistics are not a small matter here: a table the planner believes
     * empty gets its hash lookups planned as scans of the tenant's whole index (a 950-edge insert
     * whose end check took 3 s instead of milliseconds), and reconstruction reads of a new tenant's
     * content slow down by orders of magnitude when the growth is not seen (refreshing only when
     * the tables doubled made IngestResourceTest's 3 MB read time out).
     */
    public void refreshStatisticsIfGrown() {
        if (!analyzing.compareAndSet(false, true)) {
            return;
        }
        if (!refreshPolicy.begin()) {
            analyzing.set(false);
            return;
        }
        ANALYZER.execute(() -> {
            try {
                refreshStatistics();
            } catch (RuntimeException e) {
                org.jboss.logging.Logger.getLogger(AtomRepository.class).warnf(e, "statistics refresh failed");
            } finally {
                analyzing.set(false);
            }
        });
    }

    /**
     * Refreshes the optimizer statistics of the atom tables (outside any transaction). Without it
     * PostgreSQL keeps foreign-key check plans made while the tables were empty (sequential scans)
     * and a first large ingestion slows down quadratically.
     */
    public void refreshStatistics() {
        // the jobs table too: every chunk looks up the tenant's unfinished jobs in it, and a plan made
        // while it was nearly empty scans all of the tenant's finished jobs (1.4 ms a chunk after 2,500 files)
        // only the columns lookups filter on: the sample is read either way, but statistics of every
        // column of dbo.Atom and dbo.AtomComposition took twice as long to compute, on the database
        // the ingestion is writing to
        Map<String, List<String>> tables = new LinkedHashMap<>();
        tables.put("dbo.Atom", List.of("TenantId", "ContentHash"));
        tables.put("dbo.AtomComposition", List.of("TenantId", "ParentAtomHash", "ComponentAtomHash"));
        tables.put("dbo.IngestionJob", List.of("TenantId", "JobStatus"));
        tables.put("dbo.AtomRoot", List.of("TenantId", "RootHash", "JobId"));
        // the lineage tables other lineage rows reference: a foreign-key check plans once per
        // connection and keeps a plan made while the table was a few pages (a scan), so every
        // job's single-row inserts into provenance.Used and WasDerivedFrom grew slower with the
        // number of jobs (0.14 ms at first, 0.85 ms after 2,000 jobs) until the tables were analyzed
        tables.put("provenance.Activity", List.of());
        tables.put("provenance.Entity", List.of());
        tables.put("provenance.Agent", List.of());
        tables.forEach((table, columns) ->
                Tx.execute(db, db.dialect().refreshStatistics(table, columns), List.of(), "refresh statistics"));
        refreshPolicy.refreshed(estimatedRows("dbo.Atom") + estimatedRows("dbo.AtomComposition"));
    }

    /**
     * The rows of dbo.Atom and dbo.AtomComposition at this instance's last statistics refresh, as
     * the database counted them (what the next refresh's growth is measured against).
     */
    public long rowsAtLastRefresh() {
        return refreshPolicy.rowsAtLastRefresh();
    }

    /** The rows {@code table} holds as its last statistics refresh counted them. */
    long estimatedRows(String table) {
        Long rows = Tx.execute(db, db.dialect().estimatedRows(table), List.of(), "estimate the rows of " + table)
                .iterator().next().getLong(0);
        return rows == null ? 0L : rows;
    }

    /**
     * The statement that lets the rest of the transaction sort, hash and keep its new edges for their
     * check in {@code megabytes} of memory before spilling to disk, sent with a chunk's opening
     * statements ({@link Tx#executeAll}); empty where the dialect has no such setting.
     */
    public Optional<Tx.Statement> workMemoryStatement(int megabytes) {
        return db.dialect().transactionWorkMemory(megabytes).map(sql -> new Tx.Statement(sql, List.of()));
    }

    /** Serializes atom writers of one tenant until the transaction ends. */
    public void lockTenant(SqlConnection conn, int tenant) {
        Tx.Statement lock = lockStatement(tenant);
        Tx.execute(conn, lock.sql(), lock.params());
    }

    /**
     * As {@link #lockTenant}, to send ahead of the statements that need the lock: the server runs
     * them once it has granted it.
     */
    public Tx.Statement lockStatement(int tenant) {
        return lockStatement(tenant, true);
    }

    /**
     * The tenant's atom lock, exclusive or shared. Shared holders (ingestion chunks and pins that
     * only add references, see {@code JobRunner}) run beside one another; the exclusive holder
     * (anything that lowers a count, revives or kills an atom, or collects garbage) runs alone.
     * Between shared holders the database itself arbitrates: two that insert the same atom meet on
     * its unique key (one fails and runs again exclusively), and count increments of one row wait
     * for each other's row lock, in hash order.
     */
    public Tx.Statement lockStatement(int tenant, boolean exclusive) {
        return new Tx.Statement(exclusive ? lockExclusive : lockShared, List.of(tenant));
    }

    /** Whether the tenant has the atom (outside any transaction: a hint, not a decision). */
    public boolean has(int tenant, ContentHash hash) {
        return Tx.execute(db, existing, List.of(tenant, db.dialect().bindList(SqlType.HASH, List.of(hash.bytes()))),
                "look up an atom").size() > 0;
    }

    /** The name of the tenant's latest pin of {@code hash}; empty when it is not pinned (e.g. a part of a file). */
    public Optional<String> rootName(int tenant, ContentHash hash) {
        var rows = Tx.execute(db, rootName, List.of(tenant, hash.bytes()), "look up a root's name");
        return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0));
    }

    /** Sizes of those of {@code hashes} the tenant has (outside any transaction: a hint, not a decision). */
    public Map<ContentHash, Long> lengths(int tenant, Collection<ContentHash> hashes) {
        Map<ContentHash, Long> found = new HashMap<>();
        for (Row row : byHashes(lengths, tenant, hashes, "look up atoms")) {
            found.put(hash(row, 0), row.getLong(1));
        }
        return found;
    }

    /**
     * Reads by more hashes than this are split in two statements that run at once, on two pooled
     * connections: reconstruction is bound by the database's index probes, and one statement keeps
     * one core busy (the service's own share of a reconstruction is about a third of a core).
     */
    static final int SPLIT_READS_ABOVE = 256;

    /**
     * Rows of {@code sql} (tenant, then a list of hashes) for {@code hashes}, none for no hash. Callers key the rows by
     * the hash they were asked for (each hash's rows come from one statement, in its order), so a
     * large read runs as two halves at once ({@link #SPLIT_READS_ABOVE}).
     */
    private Iterable<Row> byHashes(String sql, int tenant, Collection<ContentHash> hashes, String operation) {
        if (hashes.isEmpty()) {
            return List.of();
        }
        List<Object> values = hashes.stream().map(h -> (Object) h.bytes()).toList();
        if (values.size() <= SPLIT_READS_ABOVE) {
            return Tx.execute(db, sql, List.of(tenant, db.dialect().bindList(SqlType.HASH, values)), operation);
        }
        int half = values.size() / 2;
        try {
            var both = Tx.await(io.smallrye.mutiny.Uni.combine().all().unis(
                    db.pool().preparedQuery(sql).execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant,
                            db.dialect().bindList(SqlType.HASH, values.subList(0, half)))),
                    db.pool().preparedQuery(sql).execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant,
                            db.dialect().bindList(SqlType.HASH, values.subList(half, values.size())))))
                    .asTuple());
            List<Row> rows = new ArrayList<>(both.getItem1().size() + both.getItem2().size());
            both.getItem1().forEach(rows::add);
            both.getItem2().forEach(rows::add);
            return rows;
        } catch (RuntimeException e) {
            throw io.hartonomous.common.db.Database.translate(e, operation);
        }
    }

    /** Reference counts of those of {@code hashes} the tenant has. */
    public Map<ContentHash, Long> existing(SqlConnection conn, int tenant, Collection<ContentHash> hashes) {
        return existingStatement(tenant, hashes).map(s -> existing(Tx.execute(conn, s.sql(), s.params())))
                .orElseGet(HashMap::new);
    }

    /** As {@link #existing(SqlConnection, int, Collection)}, to send with others; empty for no hash. */
    public Optional<Tx.Statement> existingStatement(int tenant, Collection<ContentHash> hashes) {
        if (hashes.isEmpty()) {
            return Optional.empty();
        }
        List<Object> values = hashes.stream().map(h -> (Object) h.bytes()).toList();
        return Optional.of(new Tx.Statement(existing, List.of(tenant, db.dialect().bindList(SqlType.HASH, values))));
    }

    /** The reference counts an {@link #existingStatement} answered, by hash. */
    public Map<ContentHash, Long> existing(Iterable<Row> rows) {
        Map<ContentHash, Long> found = new HashMap<>();
        for (Row row : rows) {
            found.put(hash(row, 0), row.getLong(1));
        }
        return found;
    }

    /**
     * A chunk's writes, sent at once ({@link Tx#executeAll}): one wait for all of them (further
     * levels of the count adjustment, if any, follow).
     * <ul>
     * <li>its new atoms in one insert, each with its initial reference count (the edges to it from
     * composites inserted now and its pins; 0 if absent), so a new atom is written once instead of
     * inserted and then updated; the root may carry a content type. The caller holds the tenant's
     * lock and found none of them stored, in this transaction;</li>
     * <li>the edges of its new composites in one insert;</li>
     * <li>{@code pins} for job {@code jobId}, as {@link #pinAll} (the last chunk's roots);</li>
     * <li>{@code with}: the caller's statements that depend on none of these results (e.g. the
     * job's progress), whose results are returned in order;</li>
     * <li>the count changes of the atoms stored before, the pins' among them, as {@link #adjust}.</li>
     * </ul>
     */
    public List<RowSet<Row>> write(SqlConnection conn, int tenant, List<AtomNode> nodes, Map<ContentHash, Long> initialCounts,
                                   ContentHash root, String rootContentType, List<AtomNode.Composite> composites,
                                   Map<ContentHash, Long> deltas, Set<ContentHash> pending, Collection<Pin> pins,
                                   UUID jobId, List<Tx.Statement> with) {
        return write(conn, tenant, nodes, initialCounts, root, rootContentType, composites, deltas, pending, pins, jobId,
                with, true).with();
    }

    /**
     * What a chunk's {@link #write} answered: the results of the caller's {@code with} statements, in
     * order, and how many of the new leaves another writer had inserted meanwhile (under the shared
     * lock; always 0 under the exclusive one) — atoms the caller found absent but did not create.
     */
    public record Written(List<RowSet<Row>> with, long leavesStoredMeanwhile) {
    }

    /**
     * As {@link #write(SqlConnection, int, List, Map, ContentHash, String, List, Map, Set, Collection, UUID, List)};
     * {@code exclusive}: whether the caller holds the tenant's lock exclusively. Under the shared
     * lock new leaves are inserted or, when another writer inserted one meanwhile, have their
     * counts added to its count; new composites are inserted as always, so one another writer
     * inserted meanwhile fails the statement on the unique key (the caller runs again exclusively).
     */
    public Written write(SqlConnection conn, int tenant, List<AtomNode> nodes, Map<ContentHash, Long> initialCounts,
                         ContentHash root, String rootContentType, List<AtomNode.Composite> composites,
                         Map<ContentHash, Long> deltas, Set<ContentHash> pending, Collection<Pin> pins,
                         UUID jobId, List<Tx.Statement> with, boolean exclusive) {
        List<Tx.Statement> inserts = new ArrayList<>(3 + with.size());
        Map<ContentHash, Long> initial = new HashMap<>(initialCounts);
        Map<ContentHash, Long> changes = new HashMap<>(deltas);
        long atomRows = nodes.size();
        Set<ContentHash> inserted = new HashSet<>();
        nodes.forEach(n -> inserted.add(n.hash()));
        Optional<Tx.Statement> pinRows = pinRows(tenant, pins, jobId, (h, count) ->
                (inserted.contains(h) ? initial : changes).merge(h, count, Long::sum));
        int leavesAt = -1;
        if (!nodes.isEmpty()) {
            // in hash order: two writers holding the tenant's lock shared that insert some of the
            // same new atoms meet on the first of them (one waits, then fails on the unique key and
            // runs again exclusively) instead of each waiting for a key the other inserted (a deadlock)
            List<AtomNode> ordered = new ArrayList<>(nodes);
            ordered.sort(java.util.Comparator.comparing(AtomNode::hash));
            List<Object[]> rows = new ArrayList<>(nodes.size());
            List<Object[]> leaves = new ArrayList<>();
            for (AtomNode n : ordered) {
                Object[] row = {tenant, n.hash().bytes(), n.value(), n.length(), n.modality(), n.subtype(),
                        n.hash().equals(root) ? rootContentType : null, initial.getOrDefault(n.hash(), 0L)};
                (exclusive || n instanceof AtomNode.Composite ? rows : leaves).add(row);
            }
            // composites first: a conflict on one fails the chunk before its leaves lock anything
            if (!rows.isEmpty()) {
                inserts.add(new Tx.Statement(insertAtoms.sql(), insertAtoms.bind(rows)));
            }
            if (!leaves.isEmpty()) {
                leavesAt = inserts.size();
                inserts.add(new Tx.Statement(insertOrAddLeaves.sql(), insertOrAddLeaves.bind(leaves)));
            }
        }
        List<Object[]> edges = new ArrayList<>();
        for (AtomNode.Composite c : composites) {
            byte[] parent = c.hash().bytes();
            for (AtomNode.Edge e : c.children()) {
                AtomNode.Position p = e.position();
                edges.add(new Object[]{tenant, parent, e.child().bytes(), e.sequence(), p.x(), p.y(), p.z(), p.m()});
            }
        }
        if (!edges.isEmpty()) {
            inserts.add(new Tx.Statement(insertEdges.sql(), insertEdges.bind(edges)));
        }
        pinRows.ifPresent(inserts::add);
        int before = inserts.size();
        inserts.addAll(with);
        List<RowSet<Row>> results = adjust(conn, tenant, changes, pending, inserts);
        long storedMeanwhile = 0;
        if (leavesAt >= 0) {
            for (Row row : results.get(leavesAt)) {
                if (!db.dialect().wasInserted(row.getValue(0))) {
                    storedMeanwhile++;
                }
            }
        }
        long rows = atomRows - storedMeanwhile + edges.size() + (pinRows.isPresent() ? pins.size() : 0);
        if (rows > 0) {
            refreshPolicy.inserted(tenant, rows); // (each pin comes with its lineage rows)
        }
        return new Written(results.isEmpty() ? List.of() : List.copyOf(results.subList(before, results.size())),
                storedMeanwhile);
    }

    /**
     * Applies count deltas and follows the transitions: an atom going 0 → positive that is not
     * {@code pending} makes its children count again; an atom going positive → 0 that is not
     * pending stops its children counting. Set-based: one update and at most one edge query per
     * tree level.
     */
    public void adjust(SqlConnection conn, int tenant, Map<ContentHash, Long> deltas, Set<ContentHash> pending) {
        adjust(conn, tenant, deltas, pending, List.of());
    }

    /**
     * As {@link #adjust(SqlConnection, int, Map, Set)}, with {@code ahead} sent in the same
     * round trip before the first count update (statements it does not depend on the results of,
     * e.g. the inserts that come before it); they run even when there is no count to change.
     */
    private List<RowSet<Row>> adjust(SqlConnection conn, int tenant, Map<ContentHash, Long> deltas, Set<ContentHash> pending,
                                     List<Tx.Statement> ahead) {
        Map<ContentHash, Long> current = new TreeMap<>(deltas); // sorted: a stable lock order
        current.values().removeIf(v -> v == 0);
        List<RowSet<Row>> aheadResults = List.of();
        if (current.isEmpty() && !ahead.isEmpty()) {
            aheadResults = Tx.executeAll(conn, ahead);
        }
        for (int level = 0; !current.isEmpty(); level++) {
            if (level > 10_000) {
                throw new IllegalStateException("reference adjustment does not terminate: cyclic composition?");
            }
            List<Object[]> rows = new ArrayList<>(current.size());
            current.forEach((h, d) -> rows.add(new Object[]{h.bytes(), d}));
            List<Object> params = new ArrayList<>();
            params.add(tenant);
            params.addAll(addReferences.bind(rows));
            Map<ContentHash, Long> direction = new HashMap<>();
            Iterable<Row> updated;
            if (level == 0 && !ahead.isEmpty()) {
                List<Tx.Statement> all = new ArrayList<>(ahead);
                all.add(new Tx.Statement(addReferences.sql(), params));
                List<RowSet<Row>> answers = Tx.executeAll(conn, all);
                aheadResults = answers.subList(0, ahead.size());
                updated = answers.getLast();
            } else {
                updated = Tx.execute(conn, addReferences.sql(), params);
            }
            for (Row row : updated) {
                ContentHash h = hash(row, 0);
                long before = row.getLong(1);
                long after = row.getLong(2);
                if (after < 0) {
                    throw new IllegalStateException("reference count of " + h + " would go negative");
                }
                if (pending.contains(h)) {
                    continue;
                }
                if (before == 0 && after > 0) {
                    direction.put(h, 1L);
                } else if (before > 0 && after == 0) {
                    direction.put(h, -1L);
                }
            }
            Map<ContentHash, Long> next = new TreeMap<>();
            if (!direction.isEmpty()) {
                List<Object> parents = direction.keySet().stream().map(h -> (Object) h.bytes()).toList();
                for (Row row : Tx.execute(conn, childrenOf,
                        List.of(tenant, db.dialect().bindList(SqlType.HASH, parents)))) {
                    ContentHash parent = hash(row, 0);
                    next.merge(hash(row, 1), direction.get(parent), Long::sum);
                }
            }
            next.values().removeIf(v -> v == 0);
            current = next;
        }
        return aheadResults;
    }

    /** A root to pin: content by hash, under a source name. */
    public record Pin(ContentHash hash, String name) {
    }

    /** Pins a root for a job and counts it. */
    public void pin(SqlConnection conn, int tenant, ContentHash root, UUID jobId, String sourceName, Set<ContentHash> pending) {
        pinAll(conn, tenant, List.of(new Pin(root, sourceName)), jobId, pending);
    }

    /**
     * Pins many roots for a job at once (the files of an archive or a batch), each under its source
     * name: one insert and one count adjustment for all. The same content under two names is pinned
     * twice (and counted twice); a pin repeated with the same name is pinned once.
     */
    public void pinAll(SqlConnection conn, int tenant, Collection<Pin> pins, UUID jobId, Set<ContentHash> pending) {
        write(conn, tenant, List.of(), Map.of(), null, null, List.of(), Map.of(), pending, pins, jobId, List.of());
    }

    /**
     * The insert of {@code pins} (a pin repeated with the same name once), empty when there are
     * none; hands each pinned atom's count to {@code counts}.
     */
    private Optional<Tx.Statement> pinRows(int tenant, Collection<Pin> pins, UUID jobId,
                                           java.util.function.ObjLongConsumer<ContentHash> counts) {
        if (pins.isEmpty()) {
            return Optional.empty();
        }
        List<Object[]> rows = new ArrayList<>(pins.size());
        for (Pin pin : new java.util.LinkedHashSet<>(pins)) {
            rows.add(new Object[]{tenant, pin.hash().bytes(), jobId, pin.name()});
            counts.accept(pin.hash(), 1L);
        }
        return Optional.of(new Tx.Statement(insertPins.sql(), insertPins.bind(rows)));
    }

    /**
     * Removes all of the tenant's pins on {@code root}, with the pins of derived views (e.g. a
     * decoded raster) that the same ingestions made, and drops the counts (recursively for atoms
     * that die). Returns the number of pins removed on {@code root}; 0 when there were none.
     */
    public long unpin(SqlConnection conn, int tenant, ContentHash root, Set<ContentHash> pending) {
        List<Object> ids = new ArrayList<>();
        Map<ContentHash, Long> deltas = new TreeMap<>();
        long onRoot = 0;
        for (Row r : Tx.execute(conn, pinsOf, List.of(tenant, root.bytes(), tenant, root.bytes()))) {
            ids.add(r.getLong(0));
            ContentHash h = hash(r, 1);
            deltas.merge(h, -1L, Long::sum);
            if (h.equals(root)) {
                onRoot++;
            }
        }
        if (onRoot == 0) {
            return 0;
        }
        Tx.execute(conn, deletePinsOfJobs, List.of(tenant, db.dialect().bindList(SqlType.BIGINT, ids)));
        adjust(conn, tenant, deltas, pending);
        return onRoot;
    }

    /** AtomIds of those of {@code hashes} the tenant has. */
    public Map<ContentHash, Long> ids(SqlConnection conn, int tenant, Collection<ContentHash> hashes) {
        Map<ContentHash, Long> ids = new HashMap<>();
        if (hashes.isEmpty()) {
            return ids;
        }
        for (Row r : Tx.execute(conn, atomIds, List.of(tenant, db.dialect().bindList(SqlType.HASH,
                hashes.stream().map(h -> (Object) h.bytes()).toList())))) {
            ids.put(hash(r, 0), r.getLong(1));
        }
        return ids;
    }

    /** A relation to store between two atoms of the tenant, by hash. */
    public record RelationSpec(ContentHash source, ContentHash target, String type, Double weight) {
    }

    /** Stores relations whose (source, target, type) the tenant does not have yet; returns how many. */
    public int insertRelations(SqlConnection conn, int tenant, List<RelationSpec> relations) {
        if (relations.isEmpty()) {
            return 0;
        }
        java.util.Set<ContentHash> hashes = new java.util.HashSet<>();
        relations.forEach(r -> {
            hashes.add(r.source());
            hashes.add(r.target());
        });
        Map<ContentHash, Long> ids = ids(conn, tenant, hashes);
        java.util.Set<String> existingKeys = new java.util.HashSet<>();
        List<Object> sources = relations.stream().map(r -> (Object) ids.get(r.source())).distinct().toList();
        for (Row r : Tx.execute(conn, relationsFrom, List.of(tenant, db.dialect().bindList(SqlType.BIGINT, sources)))) {
            existingKeys.add(r.getLong(0) + " " + r.getLong(1) + " " + r.getString(2));
        }
        List<Object[]> rows = new ArrayList<>();
        for (RelationSpec r : relations) {
            Long s = ids.get(r.source());
            Long t = ids.get(r.target());
            if (s == null || t == null) {
                throw new IllegalStateException("relation between atoms that were never stored: " + r);
            }
            if (existingKeys.add(s + " " + t + " " + r.type())) {
                rows.add(new Object[]{tenant, s, t, r.type(), r.weight() == null ? null : r.weight().floatValue()});
            }
        }
        if (!rows.isEmpty()) {
            Tx.execute(conn, insertRelations.sql(), insertRelations.bind(rows));
        }
        return rows.size();
    }

    /**
     * Declares dead the atoms of {@code pending} that nothing references (count 0): their edges stop
     * counting, recursively. Used when a job ends without its root.
     */
    public void release(SqlConnection conn, int tenant, Set<ContentHash> pending, Set<ContentHash> keep) {
        if (pending.isEmpty()) {
            return;
        }
        List<Object> dying = new ArrayList<>();
        existing(conn, tenant, pending).forEach((h, count) -> {
            if (count == 0 && !keep.contains(h)) {
                dying.add(h.bytes());
            }
        });
        if (dying.isEmpty()) {
            return;
        }
        Map<ContentHash, Long> deltas = new TreeMap<>();
        for (Row row : Tx.execute(conn, childrenOf, List.of(tenant, db.dialect().bindList(SqlType.HASH, dying)))) {
            deltas.merge(hash(row, 1), -1L, Long::sum);
        }
        adjust(conn, tenant, deltas, keep);
    }

    public Optional<AtomRecord> find(int tenant, ContentHash hash) {
        var rows = Tx.execute(db, selectAtom, List.of(tenant, hash.bytes()), "read an atom");
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        return Optional.of(new AtomRecord(r.getLong(0), hash(r, 1), bytes(r, 2), r.getLong(3), r.getString(4),
                r.getString(5), r.getString(6), r.getLong(7), r.getLong(8), r.getLocalDateTime(9)));
    }

    /** An atom as reconstruction reads it: its hash, length and (for a leaf) its bytes. */
    public record Piece(ContentHash hash, long length, byte[] value) {
    }

    /** The components of the given parents, each parent's in sequence order (parents without any are absent). */
    public Map<ContentHash, List<ContentHash>> children(int tenant, Collection<ContentHash> parents) {
        Map<ContentHash, List<ContentHash>> out = new HashMap<>();
        for (Row r : byHashes(selectChildren, tenant, parents, "read compositions")) {
            out.computeIfAbsent(hash(r, 0), k -> new ArrayList<>()).add(hash(r, 1));
        }
        return out;
    }

    /** The components of the given parents with their lengths and values, each parent's in sequence order. */
    public Map<ContentHash, List<Piece>> childPieces(int tenant, Collection<ContentHash> parents) {
        Map<ContentHash, List<Piece>> out = new HashMap<>();
        for (Row r : byHashes(selectChildPieces, tenant, parents, "read compositions")) {
            out.computeIfAbsent(hash(r, 0), k -> new ArrayList<>()).add(new Piece(hash(r, 1), r.getLong(2), bytes(r, 3)));
        }
        return out;
    }

    /** Length and value of those of {@code hashes} the tenant has. */
    public Map<ContentHash, Piece> pieces(int tenant, Collection<ContentHash> hashes) {
        Map<ContentHash, Piece> out = new HashMap<>();
        for (Row r : byHashes(selectPieces, tenant, hashes, "read atoms")) {
            ContentHash h = hash(r, 0);
            out.put(h, new Piece(h, r.getLong(1), bytes(r, 2)));
        }
        return out;
    }

    /** One page of an atom's components in sequence order. */
    public List<ChildRecord> componentPage(int tenant, ContentHash parent, long offset, int limit) {
        List<ChildRecord> out = new ArrayList<>();
        for (Row r : Tx.execute(db, componentPage, List.of(tenant, parent.bytes(), offset, limit), "read components")) {
            out.add(child(r));
        }
        return out;
    }

    private static ChildRecord child(Row r) {
        return new ChildRecord(hash(r, 0), r.getLong(1), hash(r, 2), r.getLong(3), bytes(r, 4),
                r.getString(5), r.getString(6), r.getDouble(7), r.getDouble(8), r.getDouble(9), r.getLong(10));
    }

    static ContentHash hash(Row row, int column) {
        return ContentHash.of(bytes(row, column));
    }

    static byte[] bytes(Row row, int column) {
        return Rows.bytes(row.getValue(column));
    }
}
