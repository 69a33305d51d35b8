package io.hartonomous.atom.ingest;

import io.hartonomous.common.db.Tx;
import io.hartonomous.atom.store.HashSet32;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.hash.ContentHash;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code dbo.IngestionJob}. Every read is scoped by tenant except the worker's scan for runnable
 * jobs, which only returns ids to claim. Claims are leases: a job is processed by the instance
 * whose lease is current, and taken over when the lease expires.
 */
@ApplicationScoped
public class JobRepository {

    private static final String COLUMNS = """
            JobId, TenantId, FileName, ContentType, JobStatus, AtomChunkSize, CurrentAtomOffset, AtomsCreated,
            AtomsReused, RootHash, TotalBytes, Modality, SpoolPath, ErrorMessage, CreatedAt, StartedAt,
            CompletedAt, PendingHashes, CoefficientOffset, OptionsJson, UnreportedUsage""";

    private final Database db;
    private final String insert;
    private final String find;
    private final String findAny;
    private final String runnable;
    private final String claim;
    private final String progress;
    private final String complete;
    private final String correctCreated;
    private final String fail;
    private final String pendingOfOthers;
    private final String recordKnownFiles;
    private final String usageReported;
    private final String rootCount;
    private final String unreportedFinished;
    private final String rootPage;

    public JobRepository(Database db) {
        this.db = db;
        SqlDialect d = db.dialect();
        this.insert = d.render("""
                INSERT INTO dbo.IngestionJob (JobId, TenantId, FileName, ContentType, JobStatus, AtomChunkSize,
                    RootHash, TotalBytes, SpoolPath, CreatedAt, UpdatedAt, StartedAt, LeaseOwner, LeaseExpiresAt, OptionsJson)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""");
        this.find = d.render("SELECT " + COLUMNS + " FROM dbo.IngestionJob WHERE TenantId = ? AND JobId = ?");
        this.findAny = d.render("SELECT " + COLUMNS + " FROM dbo.IngestionJob WHERE JobId = ?");
        this.runnable = d.render("""
                SELECT JobId FROM dbo.IngestionJob
                WHERE JobStatus IN ('Pending', 'Processing') AND (LeaseExpiresAt IS NULL OR LeaseExpiresAt < ?)
                ORDER BY CreatedAt OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY""");
        this.claim = d.render("""
                UPDATE dbo.IngestionJob
                SET JobStatus = 'Processing', LeaseOwner = ?, LeaseExpiresAt = ?, StartedAt = COALESCE(StartedAt, ?),
                    UpdatedAt = ?
                WHERE JobId = ? AND JobStatus IN ('Pending', 'Processing')
                  AND (LeaseOwner IS NULL OR LeaseExpiresAt < ? OR LeaseOwner = ?)""");
        this.progress = d.render("""
                UPDATE dbo.IngestionJob
                SET CurrentAtomOffset = ?, TotalAtomsProcessed = ?, AtomsCreated = AtomsCreated + ?,
                    AtomsReused = AtomsReused + ?, PendingHashes = ?, Modality = ?, UpdatedAt = ?, LeaseExpiresAt = ?,
                    CoefficientOffset = ?, UnreportedUsage = ?
                WHERE JobId = ? AND LeaseOwner = ? AND JobStatus = 'Processing'""");
        this.correctCreated = d.render("""
                UPDATE dbo.IngestionJob
                SET AtomsCreated = AtomsCreated - ?, AtomsReused = AtomsReused + ?, UnreportedUsage = ?
                WHERE JobId = ?""");
        this.complete = d.render("""
                UPDATE dbo.IngestionJob
                SET JobStatus = 'Completed', CompletedAt = ?, UpdatedAt = ?, PendingHashes = NULL, LeaseOwner = NULL,
                    LeaseExpiresAt = NULL
                WHERE JobId = ? AND JobStatus = 'Processing'""");
        this.fail = d.render("""
                UPDATE dbo.IngestionJob
                SET JobStatus = ?, ErrorMessage = ?, CompletedAt = ?, UpdatedAt = ?, PendingHashes = NULL,
                    LeaseOwner = NULL, LeaseExpiresAt = NULL
                WHERE JobId = ? AND JobStatus IN ('Pending', 'Processing') AND (LeaseOwner IS NULL OR LeaseOwner = ?)""");
        this.unreportedFinished = d.render("""
                SELECT JobId FROM dbo.IngestionJob
                WHERE JobStatus IN ('Completed', 'Failed', 'QuotaExceeded') AND UnreportedUsage IS NOT NULL AND UpdatedAt < ?
                ORDER BY UpdatedAt OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY""");
        this.rootCount = d.render("SELECT COUNT(*) FROM dbo.AtomRoot WHERE TenantId = ? AND JobId = ?");
        this.rootPage = d.render("""
                SELECT r.SourceName, r.RootHash, a.ContentLength FROM dbo.AtomRoot r
                JOIN dbo.Atom a ON a.TenantId = r.TenantId AND a.ContentHash = r.RootHash
                WHERE r.TenantId = ? AND r.JobId = ?
                ORDER BY r.RootId OFFSET ? ROWS FETCH NEXT ? ROWS ONLY""");
        this.usageReported = d.render("UPDATE dbo.IngestionJob SET UnreportedUsage = NULL WHERE JobId = ?");
        this.recordKnownFiles = d.render("""
                UPDATE dbo.IngestionJob SET OptionsJson = ?, PendingHashes = ?, UpdatedAt = ?
                WHERE JobId = ? AND LeaseOwner = ? AND JobStatus = 'Processing' AND CurrentAtomOffset = 0""");
        this.pendingOfOthers = d.render("""
                SELECT PendingHashes FROM dbo.IngestionJob
                WHERE TenantId = ? AND JobId <> ? AND JobStatus IN ('Pending', 'Processing') AND PendingHashes IS NOT NULL""");
    }

    public static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }

    /**
     * The insert that creates a job, for the caller's transaction to send ahead of the start of its
     * provenance activity ({@link Tx#executeAll}): Pending for the worker, or — when an owner is
     * given — Processing and leased to it until {@code leaseUntil}, already claimed (the request that
     * runs it saves a round trip and a commit).
     */
    public Tx.Statement createStatement(UUID id, int tenant, String fileName, String contentType, int chunkSize,
                                        ContentHash root, long totalBytes, String spoolPath, String owner,
                                        LocalDateTime leaseUntil, String optionsJson) {
        LocalDateTime now = now();
        return new Tx.Statement(insert, Arrays.asList(id, tenant, fileName, contentType,
                owner == null ? JobStatus.Pending.name() : JobStatus.Processing.name(), chunkSize,
                root == null ? null : root.bytes(), totalBytes, spoolPath, now, now, owner == null ? null : now, owner,
                owner == null ? null : leaseUntil, optionsJson));
    }

    public Database database() {
        return db;
    }

    public Optional<Job> find(int tenant, UUID id) {
        var rows = Tx.execute(db, find, List.of(tenant, id), "read an ingestion job");
        return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
    }

    Optional<Job> findForWorker(UUID id) {
        var rows = Tx.execute(db, findAny, List.of(id), "read an ingestion job");
        return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
    }

    /** Ids of jobs without a current lease, oldest first. */
    List<UUID> runnable(int limit) {
        List<UUID> ids = new ArrayList<>();
        for (Row r : Tx.execute(db, runnable, List.of(now(), limit), "scan ingestion jobs")) {
            ids.add(r.getUUID(0));
        }
        return ids;
    }

    /** Takes (or renews) the lease; false when another live instance holds it or the job ended. */
    boolean claim(UUID id, String owner, LocalDateTime leaseUntil) {
        LocalDateTime now = now();
        return Tx.execute(db, claim, List.of(owner, leaseUntil, now, now, id, now, owner), "claim an ingestion job")
                .rowCount() == 1;
    }

    /** Records a committed chunk, inside its transaction; false when the lease was lost. */
    boolean progress(SqlConnection conn, UUID id, String owner, long offset, long created, long reused,
                     Set<ContentHash> pending, String modality, LocalDateTime leaseUntil, long coefficients,
                     String unreportedUsage) {
        return progress(conn, id, owner, offset, created, reused, pending, modality, leaseUntil, coefficients,
                unreportedUsage, false);
    }

    /**
     * As {@link #progress(SqlConnection, UUID, String, long, long, long, Set, String, LocalDateTime, long, String)};
     * with {@code complete}, the job is also marked Completed in the same round trip (should the lease
     * turn out lost, the caller throws and its transaction, completion included, rolls back).
     */
    boolean progress(SqlConnection conn, UUID id, String owner, long offset, long created, long reused,
                     Set<ContentHash> pending, String modality, LocalDateTime leaseUntil, long coefficients,
                     String unreportedUsage, boolean complete) {
        return leaseHeld(Tx.executeAll(conn, progressStatements(id, owner, offset, created, reused, pending, modality,
                leaseUntil, coefficients, unreportedUsage, complete)));
    }

    /**
     * The statements of {@link #progress(SqlConnection, UUID, String, long, long, long, Set, String, LocalDateTime,
     * long, String, boolean)}, to send with others; {@link #leaseHeld} reads their results.
     */
    List<Tx.Statement> progressStatements(UUID id, String owner, long offset, long created, long reused,
                                          Set<ContentHash> pending, String modality, LocalDateTime leaseUntil,
                                          long coefficients, String unreportedUsage, boolean complete) {
        byte[] packed = pending.isEmpty() ? null : HashSet32.pack(pending);
        List<Tx.Statement> statements = new ArrayList<>(2);
        statements.add(new Tx.Statement(progress, Arrays.asList(offset, offset, created, reused, packed, modality, now(),
                leaseUntil, coefficients, unreportedUsage, id, owner)));
        if (complete) {
            LocalDateTime now = now();
            statements.add(new Tx.Statement(this.complete, List.of(now, now, id)));
        }
        return statements;
    }

    /**
     * In the transaction that recorded a chunk's progress (whose update holds the job's row): {@code count}
     * of the atoms it recorded as created had been inserted by another upload meanwhile, so they are
     * reused, and {@code usage} replaces the chunk's unreported usage events (billed for what it created).
     */
    void correctCreated(io.vertx.mutiny.sqlclient.SqlConnection conn, UUID id, long count, String usage) {
        Tx.execute(conn, correctCreated, Arrays.asList(count, count, usage, id));
    }

    /** Whether the {@link #progressStatements} whose results begin {@code results} still held the lease. */
    static boolean leaseHeld(List<? extends io.vertx.mutiny.sqlclient.RowSet<?>> results) {
        return results.getFirst().rowCount() == 1;
    }

    /**
     * Ends the job with {@code status}, its pending set cleared, unless another worker than
     * {@code owner} holds its lease; false then (or when it has ended already).
     */
    boolean fail(SqlConnection conn, UUID id, String owner, JobStatus status, String message) {
        LocalDateTime now = now();
        return Tx.execute(conn, fail, List.of(status.name(), message, now, now, id, owner)).rowCount() == 1;
    }

    /**
     * Finished jobs whose last usage events billing never acknowledged (the process died between the
     * final commit and the report), last updated before {@code before}, oldest first.
     */
    List<UUID> unreportedFinished(LocalDateTime before, int limit) {
        List<UUID> ids = new ArrayList<>();
        for (Row r : Tx.execute(db, unreportedFinished, List.of(before, limit), "scan unreported usage")) {
            ids.add(r.getUUID(0));
        }
        return ids;
    }

    /** Billing acknowledged the job's unreported usage events. */
    void usageReported(UUID id) {
        Tx.execute(db, usageReported, List.of(id), "record reported usage");
    }

    /** A root a job pinned: its name, content and size. */
    public record RootPin(String name, ContentHash hash, long bytes) {
    }

    /** How many roots the tenant's job pinned (its input, derived views, the files of an archive or a batch). */
    public long rootCount(int tenant, UUID job) {
        return Tx.execute(db, rootCount, List.of(tenant, job), "count a job's roots").iterator().next().getLong(0);
    }

    /** A page of the roots the tenant's job pinned, in pinning order. */
    public List<RootPin> roots(int tenant, UUID job, long offset, int limit) {
        List<RootPin> out = new ArrayList<>();
        for (Row r : Tx.execute(db, rootPage, List.of(tenant, job, offset, limit), "read a job's roots")) {
            out.add(new RootPin(r.getString(0), ContentHash.of(bytes(r.getValue(1))), r.getLong(2)));
        }
        return out;
    }

    /**
     * Records, before a batch's first chunk, the files it will pin without atomizing: in its options
     * (so every run of the job skips the same files) and as its pending atoms (so that, until the
     * job pins them, collection leaves them alone and their counts do not propagate). False when the
     * job is no longer this owner's, or has committed a chunk.
     */
    boolean recordKnownFiles(SqlConnection conn, UUID id, String owner, String optionsJson, Set<ContentHash> known) {
        byte[] packed = known.isEmpty() ? null : HashSet32.pack(known);
        return Tx.execute(conn, recordKnownFiles, Arrays.asList(optionsJson, packed, now(), id, owner)).rowCount() == 1;
    }

    /** Union of the pending sets of the tenant's other unfinished jobs. */
    public Set<ContentHash> pendingOfOthers(SqlConnection conn, int tenant, UUID except) {
        Tx.Statement s = pendingOfOthersStatement(tenant, except);
        return pendingOfOthers(Tx.execute(conn, s.sql(), s.params()));
    }

    /** As {@link #pendingOfOthers(SqlConnection, int, UUID)}, to send with others ({@link Tx#executeAll}). */
    public Tx.Statement pendingOfOthersStatement(int tenant, UUID except) {
        return new Tx.Statement(pendingOfOthers, List.of(tenant, except));
    }

    /** The union a {@link #pendingOfOthersStatement} answered. */
    public Set<ContentHash> pendingOfOthers(Iterable<Row> rows) {
        Set<ContentHash> all = new HashSet<>();
        for (Row r : rows) {
            all.addAll(HashSet32.unpack(bytes(r.getValue(0))));
        }
        return all;
    }

    private static Job map(Row r) {
        byte[] root = r.getValue(9) == null ? null : bytes(r.getValue(9));
        return new Job(r.getUUID(0), r.getInteger(1), r.getString(2), r.getString(3), JobStatus.valueOf(r.getString(4)),
                r.getInteger(5), r.getLong(6), r.getLong(7), r.getLong(8), root == null ? null : ContentHash.of(root),
                r.getLong(10) == null ? 0 : r.getLong(10), r.getString(11), r.getString(12), r.getString(13),
                r.getLocalDateTime(14), r.getLocalDateTime(15), r.getLocalDateTime(16),
                r.getValue(17) == null ? null : bytes(r.getValue(17)), r.getLong(18), r.getString(19), r.getString(20));
    }

    static byte[] bytes(Object v) {
        return io.hartonomous.atom.store.Rows.bytes(v);
    }
}
