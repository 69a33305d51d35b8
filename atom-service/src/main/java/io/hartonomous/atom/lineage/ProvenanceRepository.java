package io.hartonomous.atom.lineage;

import io.hartonomous.atom.store.Rows;
import io.hartonomous.common.db.Tx;
import io.hartonomous.common.db.BulkInsert;
import io.hartonomous.common.db.Column;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.SqlType;
import io.hartonomous.common.hash.ContentHash;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The provenance schema: writes the PROV record of ingestion jobs, reads it back by job.
 *
 * <p>Contract: {@link #started} runs when a job is accepted (the caller is known only then) and
 * records the activity and its agent; {@link #recordIngestion} runs inside the job's completion
 * transaction and records the rest — a job accepted before this schema existed gets its activity
 * there, with no agent. Atoms are named by hash, never by foreign key: the record outlives
 * garbage collection.
 */
@ApplicationScoped
public class ProvenanceRepository {

    /** The activity type of an ingestion job run. */
    public static final String INGESTION = "ingestion";

    private final Database db;
    private final String insertAgent;
    private final String agentId;
    private final String insertActivity;
    private final String activityOfJob;
    private final String insertAssociation;
    private final String jobSource;
    private final String endActivity;
    private final String insertEntity;
    private final String insertUsed;
    private final String insertGenerated;
    private final String insertDerivedFromSource;
    private final String insertDerivedViews;
    private final String insertPinEntities;
    private final BulkInsert insertUsedMany;
    private final BulkInsert insertDerivedMany;
    private final String activitiesOfJobs;
    private final String usedBy;
    private final String associatedWith;
    private final String generatedBy;

    public ProvenanceRepository(Database db) {
        this.db = db;
        SqlDialect d = db.dialect();
        this.insertAgent = d.insertIfAbsent("provenance.Agent", List.of("TenantId", "AgentKind", "Subject"),
                List.of("TenantId", "AgentKind", "Subject"));
        this.agentId = d.render("SELECT AgentId FROM provenance.Agent WHERE TenantId = ? AND AgentKind = ? AND Subject = ?");
        this.insertActivity = d.insertReturning("provenance.Activity",
                List.of("TenantId", "JobId", "ActivityType", "StartedAt"), List.of("ActivityId"));
        this.activityOfJob = d.render("SELECT ActivityId FROM provenance.Activity WHERE TenantId = ? AND JobId = ?");
        this.insertAssociation = d.insertIfAbsent("provenance.WasAssociatedWith",
                List.of("TenantId", "ActivityId", "AgentId", "AgentRole"), List.of("TenantId", "ActivityId", "AgentId"));
        this.jobSource = d.render("""
                SELECT FileName, RootHash, TotalBytes, ContentType, COALESCE(StartedAt, CreatedAt)
                FROM dbo.IngestionJob WHERE TenantId = ? AND JobId = ?""");
        this.endActivity = d.render("UPDATE provenance.Activity SET EndedAt = ? WHERE TenantId = ? AND ActivityId = ?");
        this.insertEntity = d.insertReturning("provenance.Entity",
                List.of("TenantId", "SourceName", "ContentHash", "ContentLength", "MediaType"), List.of("EntityId"));
        this.insertUsed = d.render("""
                INSERT INTO provenance.Used (TenantId, ActivityId, EntityId, UsedRole, UsedAt)
                VALUES (?, ?, ?, 'source', ?)""");
        // the job's pins (its input, derived views, the files of an archive or a batch) are what it
        // generated, each content once; a bound value in a SELECT list gets an explicit CAST
        // (PostgreSQL cannot infer it from the INSERT target)
        // (the list of views is the last parameter, though not the last in the text)
        this.insertGenerated = d.render("""
                INSERT INTO provenance.WasGeneratedBy (TenantId, ActivityId, AtomHash, GeneratedRole, GeneratedAt)
                SELECT r.TenantId, CAST(? AS BIGINT), r.RootHash,
                       CASE WHEN r.RootHash = ? THEN 'root' WHEN\s""" + d.inList("r.RootHash", SqlType.HASH, 6) + " " + """
                 THEN 'derived' ELSE CAST(? AS VARCHAR(128)) END, MIN(r.PinnedAt)
                FROM dbo.AtomRoot r WHERE r.TenantId = ? AND r.JobId = ?
                GROUP BY r.TenantId, r.RootHash""");
        // the input's atom and the files taken out of it were derived from the source it used
        this.insertDerivedFromSource = d.render("""
                INSERT INTO provenance.WasDerivedFrom (TenantId, GeneratedHash, UsedEntityId, ActivityId, DerivationType,
                    RecordedAt)
                SELECT r.TenantId, r.RootHash, CAST(? AS BIGINT), CAST(? AS BIGINT),
                       CASE WHEN r.RootHash = ? THEN 'ingestion' ELSE 'extraction' END, CAST(? AS TIMESTAMP)
                FROM dbo.AtomRoot r WHERE r.TenantId = ? AND r.JobId = ? AND NOT """)
                + " " + d.inList("r.RootHash", SqlType.HASH, 7) + " GROUP BY r.TenantId, r.RootHash";
        // a job without an input of its own (content pinned by hash): each pin's source is the named content
        this.insertPinEntities = d.insertSelectReturning("provenance.Entity",
                List.of("TenantId", "SourceName", "ContentHash", "ContentLength", "MediaType"), """
                SELECT r.TenantId, r.SourceName, r.RootHash, a.ContentLength, a.ContentType
                FROM dbo.AtomRoot r JOIN dbo.Atom a ON a.TenantId = r.TenantId AND a.ContentHash = r.RootHash
                WHERE r.TenantId = ? AND r.JobId = ?""", List.of("EntityId", "ContentHash"));
        this.insertUsedMany = d.bulkInsert("provenance.Used", List.of(Column.of("TenantId", SqlType.INT),
                Column.of("ActivityId", SqlType.BIGINT), Column.of("EntityId", SqlType.BIGINT),
                Column.of("UsedRole", SqlType.VARCHAR), Column.of("UsedAt", SqlType.TIMESTAMP)), List.of());
        this.insertDerivedMany = d.bulkInsert("provenance.WasDerivedFrom", List.of(Column.of("TenantId", SqlType.INT),
                Column.of("GeneratedHash", SqlType.HASH), Column.of("UsedEntityId", SqlType.BIGINT),
                Column.of("ActivityId", SqlType.BIGINT), Column.of("DerivationType", SqlType.VARCHAR),
                Column.of("RecordedAt", SqlType.TIMESTAMP)), List.of());
        // derived views: a relation from the job's root to another of its pins (e.g. decodes_to)
        this.insertDerivedViews = d.render("""
                INSERT INTO provenance.WasDerivedFrom (TenantId, GeneratedHash, UsedHash, ActivityId, DerivationType,
                    RecordedAt)
                SELECT r.TenantId, r.RootHash, s.ContentHash, CAST(? AS BIGINT), rel.RelationType, r.PinnedAt
                FROM dbo.AtomRoot r
                JOIN dbo.Atom t ON t.TenantId = r.TenantId AND t.ContentHash = r.RootHash
                JOIN dbo.AtomRelation rel ON rel.TenantId = t.TenantId AND rel.TargetAtomId = t.AtomId
                JOIN dbo.Atom s ON s.TenantId = rel.TenantId AND s.AtomId = rel.SourceAtomId
                WHERE r.TenantId = ? AND r.JobId = ? AND r.RootHash <> ? AND s.ContentHash = ?""");
        this.activitiesOfJobs = d.render("""
                SELECT ActivityId, JobId, ActivityType, StartedAt, EndedAt FROM provenance.Activity
                WHERE TenantId = ? AND """) + " " + d.inList("JobId", SqlType.UUID, 2) + " ORDER BY StartedAt DESC";
        this.usedBy = d.render("""
                SELECT u.ActivityId, e.EntityId, e.SourceName, e.ContentHash, e.ContentLength, e.MediaType, u.UsedRole
                FROM provenance.Used u
                JOIN provenance.Entity e ON e.TenantId = u.TenantId AND e.EntityId = u.EntityId
                WHERE u.TenantId = ? AND """) + " " + d.inList("u.ActivityId", SqlType.BIGINT, 2);
        this.associatedWith = d.render("""
                SELECT w.ActivityId, g.AgentId, g.AgentKind, g.Subject, w.AgentRole
                FROM provenance.WasAssociatedWith w
                JOIN provenance.Agent g ON g.TenantId = w.TenantId AND g.AgentId = w.AgentId
                WHERE w.TenantId = ? AND """) + " " + d.inList("w.ActivityId", SqlType.BIGINT, 2);
        this.generatedBy = d.render("""
                SELECT ActivityId, AtomHash, GeneratedRole, GeneratedAt FROM provenance.WasGeneratedBy
                WHERE TenantId = ? AND """) + " " + d.inList("ActivityId", SqlType.BIGINT, 2);
    }

    static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }

    /**
     * Records that {@code agent} asked for job {@code jobId} of {@code tenant}: the agent (once per
     * tenant, kind and subject), the job's activity and their association, in the caller's
     * transaction (the one creating the job).
     */
    public void started(SqlConnection conn, int tenant, UUID jobId, String agentKind, String subject) {
        started(conn, tenant, jobId, agentKind, subject, List.of());
    }

    /**
     * As {@link #started(SqlConnection, int, UUID, String, String)}, with {@code ahead} (e.g. the
     * job's own insert) sent in the same round trip before the activity: the activity, the agent
     * (if new) and the agent's id travel together, then their association.
     */
    public void started(SqlConnection conn, int tenant, UUID jobId, String agentKind, String subject,
                        List<Tx.Statement> ahead) {
        List<Tx.Statement> first = new ArrayList<>(ahead);
        first.add(new Tx.Statement(insertActivity, List.of(tenant, jobId, INGESTION, now())));
        if (subject == null || subject.isBlank()) {
            Tx.executeAll(conn, first);
            return;
        }
        String name = subject.length() > 255 ? subject.substring(0, 255) : subject;
        first.add(new Tx.Statement(insertAgent, List.of(tenant, agentKind, name)));
        first.add(new Tx.Statement(agentId, List.of(tenant, agentKind, name)));
        var rows = Tx.executeAll(conn, first);
        long activity = rows.get(ahead.size()).iterator().next().getLong(0);
        long agent = rows.get(ahead.size() + 2).iterator().next().getLong(0);
        Tx.execute(conn, insertAssociation, List.of(tenant, activity, agent, "requester"));
    }

    /** As {@link #recordIngestion(SqlConnection, int, UUID, Collection)} for a job without derived views. */
    public void recordIngestion(SqlConnection conn, int tenant, UUID jobId) {
        recordIngestion(conn, tenant, jobId, List.of());
    }

    /**
     * Inside the completion transaction of job {@code jobId} (after its roots were pinned): ends its
     * activity and records the source it used, the atoms it generated — role {@code root} for the
     * input's atom, {@code derived} for {@code views} (e.g. a decoded raster), {@code entry} for the
     * files of an archive or a batch — and what they derive from: the root and the files from the
     * source ({@code ingestion}, {@code extraction}), each view from the root. A job pinning known
     * content by hash, with no input of its own (RootHash NULL), used each named content as a source.
     * Three round trips; {@link #ingestionReads} and {@link IngestionRecord#statements} let a caller
     * send the first two with statements of its own.
     */
    public void recordIngestion(SqlConnection conn, int tenant, UUID jobId, Collection<ContentHash> views) {
        IngestionRecord record = beginIngestion(tenant, jobId, views, Tx.executeAll(conn, ingestionReads(tenant, jobId)));
        List<Tx.Statement> statements = record.statements();
        record.finish(conn, statements.isEmpty() ? List.of() : Tx.executeAll(conn, statements));
    }

    /** The reads that begin the record of job {@code jobId}'s ingestion (its source, its activity), to send with others. */
    public List<Tx.Statement> ingestionReads(int tenant, UUID jobId) {
        return List.of(new Tx.Statement(jobSource, List.of(tenant, jobId)), new Tx.Statement(activityOfJob, List.of(tenant, jobId)));
    }

    /** The record of a job's ingestion ({@link #recordIngestion}) from the results of its {@link #ingestionReads}. */
    public IngestionRecord beginIngestion(int tenant, UUID jobId, Collection<ContentHash> views, List<RowSet<Row>> reads) {
        return beginIngestion(tenant, jobId, views, reads, null);
    }

    /**
     * As {@link #beginIngestion(int, UUID, Collection, List)}, recording the source's media type as
     * {@code mediaType} when the job has none of its own (the client named none: the type its
     * content's signature shows).
     */
    public IngestionRecord beginIngestion(int tenant, UUID jobId, Collection<ContentHash> views, List<RowSet<Row>> reads,
                                          String mediaType) {
        var jobs = reads.get(0);
        if (jobs.size() == 0) {
            throw new IllegalStateException("no job " + jobId + " of tenant " + tenant + " to record");
        }
        var activities = reads.get(1);
        Long activity = activities.size() > 0 ? activities.iterator().next().getLong(0) : null;
        Object viewList = db.dialect().bindList(SqlType.HASH, views.isEmpty()
                ? List.of(new byte[32]) : views.stream().map(h -> (Object) h.bytes()).toList());
        Row job = jobs.iterator().next();
        return new IngestionRecord(tenant, jobId, job, activity, now(), viewList,
                job.getString(3) != null ? job.getString(3) : mediaType);
    }

    /** A job's ingestion record in two steps: {@link #statements}, then {@link #finish} with their results. */
    public final class IngestionRecord {
        private final int tenant;
        private final UUID jobId;
        private final Row job;
        private final byte[] root;
        /** The job's activity; null for a job accepted before its activity was recorded with it. */
        private final Long activity;
        private final LocalDateTime now;
        private final Object viewList;
        private final String mediaType;

        private IngestionRecord(int tenant, UUID jobId, Row job, Long activity, LocalDateTime now, Object viewList,
                                String mediaType) {
            this.mediaType = mediaType;
            this.tenant = tenant;
            this.jobId = jobId;
            this.job = job;
            Object rootValue = job.getValue(1);
            this.root = rootValue == null ? null : Rows.bytes(rootValue);
            this.activity = activity;
            this.now = now;
            this.viewList = viewList;
        }

        /**
         * The first writes (the activity's end, the source's entity), to send in one round trip
         * after the job's pins — with them or later; empty when {@link #finish} must write them itself.
         */
        public List<Tx.Statement> statements() {
            return activity == null ? List.of() : firstWrites(activity);
        }

        private List<Tx.Statement> firstWrites(long activity) {
            Tx.Statement end = new Tx.Statement(endActivity, List.of(now, tenant, activity));
            return List.of(end, root == null ? new Tx.Statement(insertPinEntities, List.of(tenant, jobId))
                    : new Tx.Statement(insertEntity, Arrays.asList(tenant, job.getString(0), root, job.getLong(2),
                    mediaType)));
        }

        /** The rest of the record, given the results of {@link #statements} (in order). */
        public void finish(SqlConnection conn, List<RowSet<Row>> results) {
            long activity;
            RowSet<Row> entities;
            if (this.activity != null) {
                activity = this.activity;
                entities = results.get(1);
            } else {
                activity = Tx.execute(conn, insertActivity, List.of(tenant, jobId, INGESTION, job.getLocalDateTime(4)))
                        .iterator().next().getLong(0);
                entities = Tx.executeAll(conn, firstWrites(activity)).get(1);
            }
            if (root == null) {
                List<Object[]> used = new ArrayList<>();
                List<Object[]> derivations = new ArrayList<>();
                for (Row r : entities) {
                    used.add(new Object[]{tenant, activity, r.getLong(0), "source", now});
                    derivations.add(new Object[]{tenant, Rows.bytes(r.getValue(1)), r.getLong(0), activity, "ingestion", now});
                }
                List<Tx.Statement> rest = new ArrayList<>(3);
                if (!used.isEmpty()) {
                    rest.add(new Tx.Statement(insertUsedMany.sql(), insertUsedMany.bind(used)));
                    rest.add(new Tx.Statement(insertDerivedMany.sql(), insertDerivedMany.bind(derivations)));
                }
                rest.add(new Tx.Statement(insertGenerated, List.of(activity, new byte[32], "root", tenant, jobId, viewList)));
                Tx.executeAll(conn, rest);
                return;
            }
            long entity = entities.iterator().next().getLong(0);
            Tx.executeAll(conn, List.of(
                    new Tx.Statement(insertUsed, List.of(tenant, activity, entity, now)),
                    new Tx.Statement(insertGenerated, List.of(activity, root, "entry", tenant, jobId, viewList)),
                    new Tx.Statement(insertDerivedFromSource, List.of(entity, activity, root, now, tenant, jobId, viewList)),
                    new Tx.Statement(insertDerivedViews, List.of(activity, tenant, jobId, root, root))));
        }
    }

    /** A source an activity used. */
    public record Source(long entityId, String name, ContentHash hash, long size, String mediaType, String role) {
    }

    /** An agent an activity was associated with. */
    public record AgentRef(long agentId, String kind, String subject, String role) {
    }

    /** An atom an activity generated. */
    public record Generated(ContentHash hash, String role, LocalDateTime at) {
    }

    /** An activity with everything it is related to. */
    public record ActivityRecord(long activityId, UUID jobId, String type, LocalDateTime startedAt, LocalDateTime endedAt,
                                 List<Source> used, List<AgentRef> associatedWith, List<Generated> generated) {
    }

    /** The activities of the given jobs of the tenant, newest first; jobs without one are absent. */
    public List<ActivityRecord> activitiesOf(int tenant, Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        Map<Long, Row> activities = new LinkedHashMap<>();
        for (Row r : Tx.execute(db, activitiesOfJobs, List.of(tenant,
                db.dialect().bindList(SqlType.UUID, List.copyOf(jobIds))), "read provenance")) {
            activities.put(r.getLong(0), r);
        }
        if (activities.isEmpty()) {
            return List.of();
        }
        Map<Long, List<Source>> used = new LinkedHashMap<>();
        Map<Long, List<AgentRef>> agents = new LinkedHashMap<>();
        Map<Long, List<Generated>> generated = new LinkedHashMap<>();
        List<Object> ids = List.copyOf(activities.keySet());
        for (Row r : Tx.execute(db, usedBy, List.of(tenant, db.dialect().bindList(SqlType.BIGINT, ids)), "read provenance")) {
            used.computeIfAbsent(r.getLong(0), k -> new ArrayList<>()).add(new Source(r.getLong(1), r.getString(2),
                    ContentHash.of(Rows.bytes(r.getValue(3))), r.getLong(4), r.getString(5), r.getString(6)));
        }
        for (Row r : Tx.execute(db, associatedWith, List.of(tenant, db.dialect().bindList(SqlType.BIGINT, ids)),
                "read provenance")) {
            agents.computeIfAbsent(r.getLong(0), k -> new ArrayList<>()).add(new AgentRef(r.getLong(1), r.getString(2),
                    r.getString(3), r.getString(4)));
        }
        for (Row r : Tx.execute(db, generatedBy, List.of(tenant, db.dialect().bindList(SqlType.BIGINT, ids)),
                "read provenance")) {
            generated.computeIfAbsent(r.getLong(0), k -> new ArrayList<>()).add(new Generated(
                    ContentHash.of(Rows.bytes(r.getValue(1))), r.getString(2), r.getLocalDateTime(3)));
        }
        List<ActivityRecord> out = new ArrayList<>();
        activities.forEach((id, r) -> out.add(new ActivityRecord(id, r.getUUID(1), r.getString(2), r.getLocalDateTime(3),
                r.getLocalDateTime(4), used.getOrDefault(id, List.of()), agents.getOrDefault(id, List.of()),
                generated.getOrDefault(id, List.of()))));
        return out;
    }
}
