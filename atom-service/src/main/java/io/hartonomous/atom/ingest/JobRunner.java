package io.hartonomous.atom.ingest;

import io.hartonomous.atom.atomize.AtomNode;
import io.hartonomous.atom.atomize.Atomizer;
import io.hartonomous.atom.atomize.Atomizers;
import io.hartonomous.atom.atomize.MalformedInputException;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.atom.store.AtomRepository;
import io.hartonomous.common.db.Tx;
import io.hartonomous.atom.store.HashSet32;
import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.hash.ContentHash;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Runs one job to its end from wherever it stopped: re-reads the spooled input, re-runs the
 * (deterministic) atomizer, skips the nodes earlier chunks committed, and commits the rest in
 * chunks — atoms, edges, count changes, the job's progress and pending set in one transaction
 * each. The root's hash must equal the upload's SHA-256 (the tree rebuilds the input) before the
 * last chunk commits the root pin. Runs on worker threads only.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    private static final String INSTANCE = "atom-" + UUID.randomUUID();
    private static final java.util.concurrent.ScheduledExecutorService HEARTBEAT =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ingest-lease");
                t.setDaemon(true);
                return t;
            });

    /**
     * Commits chunks while the atomizer produces the next one (at most one chunk of a job in
     * flight), so the CPU work of atomizing and the database work of storing overlap.
     */
    private static final java.util.concurrent.ExecutorService COMMITTERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ingest-commit");
        t.setDaemon(true);
        return t;
    });

    private final io.hartonomous.atom.notify.SearchNotifier notifier;
    private final JobRepository jobs;
    private final AtomRepository atoms;
    private final Atomizers atomizers;
    private final Spool spool;
    private final IngestConfig config;
    private final MeterRegistry metrics;
    private final io.hartonomous.atom.store.ModelRepository models;
    private final io.hartonomous.atom.metering.Metering metering;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final io.hartonomous.atom.lineage.ProvenanceRepository provenance;

    public JobRunner(JobRepository jobs, AtomRepository atoms, Atomizers atomizers, Spool spool, IngestConfig config,
                     MeterRegistry metrics, io.hartonomous.atom.store.ModelRepository models,
                     io.hartonomous.atom.metering.Metering metering, com.fasterxml.jackson.databind.ObjectMapper json,
                     io.hartonomous.atom.lineage.ProvenanceRepository provenance,
                     io.hartonomous.atom.notify.SearchNotifier notifier) {
        this.notifier = notifier;
        this.provenance = provenance;
        this.models = models;
        this.metering = metering;
        this.json = json;
        this.jobs = jobs;
        this.atoms = atoms;
        this.atomizers = atomizers;
        this.spool = spool;
        this.config = config;
        this.metrics = metrics;
    }

    /** A lease holder for one run of a job (unique per run, so two runs never share a lease). */
    public static String newOwner() {
        return INSTANCE + ":" + UUID.randomUUID();
    }

    /** Claims and runs the job; returns its final state, or empty when someone else holds it. */
    public java.util.Optional<Job> run(UUID id) {
        return run(id, newOwner());
    }

    public java.util.Optional<Job> run(UUID id, String owner) {
        return run(id, owner, false);
    }

    /**
     * Runs the job; {@code claimed}: created already leased to {@code owner} (a request running its
     * own job), so the claim is not repeated.
     */
    public java.util.Optional<Job> run(UUID id, String owner, boolean claimed) {
        return run(id, owner, claimed, false);
    }

    /**
     * Runs a job this request has just created, leased to {@code owner}, for an input it has just
     * looked up and not found stored: the look-up is not repeated (should the content have been
     * stored meanwhile, the chunks find its atoms and only pin it, as a re-ingest would).
     */
    public java.util.Optional<Job> runNew(UUID id, String owner) {
        return run(id, owner, true, true);
    }

    private java.util.Optional<Job> run(UUID id, String owner, boolean claimed, boolean lookedUp) {
        if (!claimed && !jobs.claim(id, owner, leaseUntil())) {
            return java.util.Optional.empty();
        }
        Job job = jobs.findForWorker(id).orElseThrow();
        // keep the lease while the job runs, even through a slow chunk or a wait for billing
        long beat = Math.max(200, config.lease().toMillis() / 3);
        var heartbeat = HEARTBEAT.scheduleWithFixedDelay(() -> {
            try {
                jobs.claim(id, owner, leaseUntil());
            } catch (RuntimeException e) {
                LOG.debugf(e, "lease renewal of job %s failed", id);
            }
        }, beat, beat, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            execute(job, owner, lookedUp);
        } catch (LeaseLostException e) {
            // another worker holds the job now (this run stalled past its lease): it goes on from the
            // last commit; this run wrote nothing since and leaves the job, its pending atoms included, alone
            LOG.warnf("job %s: %s; this run stops", id, e.getMessage());
            return jobs.findForWorker(id);
        } catch (MalformedInputException e) {
            failAndRelease(job, owner, JobStatus.Failed, e.getMessage());
        } catch (HartonomousException e) {
            if (e.code().category() == io.hartonomous.common.error.ErrorCategory.QUOTA) {
                failAndRelease(job, owner, JobStatus.QuotaExceeded, e.getMessage());
            } else if (e.code().category() == io.hartonomous.common.error.ErrorCategory.UNAVAILABLE) {
                LOG.warnf("job %s paused: %s (it resumes when its lease expires)", id, e.getMessage());
                return jobs.findForWorker(id);
            } else {
                LOG.errorf(e, "job %s failed", id);
                failAndRelease(job, owner, JobStatus.Failed, e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "job %s failed", id);
            failAndRelease(job, owner, JobStatus.Failed, "Atomization failed: " + e.getMessage());
        }
        finally {
            heartbeat.cancel(false);
        }
        Job done = jobs.findForWorker(id).orElseThrow();
        if (done.status().finished()) {
            spool.delete(done.spoolPath());
            metrics.counter("hartonomous_atom_jobs_total", "outcome", done.status().name().toLowerCase()).increment();
            if (done.status() == JobStatus.Completed) {
                notifier.completed(done.tenant(), done.rootHash());
            }
        }
        return java.util.Optional.of(done);
    }

    private void execute(Job job, String owner, boolean lookedUp) throws IOException {
        if (job.spoolPath() == null && job.rootHash() == null) {
            // pins by hash are created and completed in one transaction (createAndPinKnown); an
            // unfinished one without an input can only come from an earlier version
            throw new MalformedInputException("The request that pinned this batch of known content ended before "
                    + "pinning it; nothing was pinned: send it again.");
        }
        if (job.spoolPath() == null) {
            // pinned by hash without an upload (an earlier version's two-step job): only content the tenant still has
            reportUnreported(job, owner);
            if (!pinIfKnown(job, owner)) {
                throw new MalformedInputException("The content " + job.rootHash().hex()
                        + " is no longer stored; upload it with POST /api/v1/ingest.");
            }
            reportUnreported(job, owner);
            return;
        }
        if (!spool.exists(job.spoolPath())) {
            throw new MalformedInputException("The job's upload is no longer available (spool lost); ingest the file again.");
        }
        byte[] head = new byte[4096];
        int headLength;
        try (InputStream in = spool.open(job.spoolPath())) {
            headLength = in.readNBytes(head, 0, head.length);
        }
        Sniff sniff = new Sniff(job.fileName(), java.util.Arrays.copyOf(head, headLength), job.totalBytes());
        if (job.batch() && !io.hartonomous.atom.atomize.git.TarReader.isTar(sniff.head())) {
            throw new MalformedInputException("The body of a batch must be a tar archive (ustar, GNU or pax).");
        }
        Atomizer atomizer = job.batch() ? atomizers.batch() : atomizers.choose(sniff);

        reportUnreported(job, owner);
        // a batch's archive is not kept: known or not, its files are what the job pins
        if (job.offset() == 0 && !job.batch() && !lookedUp && pinIfKnown(job, owner)) {
            reportUnreported(job, owner);
            return;
        }
        BatchSkip skip = null;
        if (job.batch()) {
            // the files the tenant has are pinned, not atomized again: which ones is decided once,
            // before the first chunk, and every run of the job skips the same ones
            List<ContentHash> fileHashes;
            try (InputStream in = new BufferedInputStream(spool.open(job.spoolPath()), 256 * 1024)) {
                fileHashes = atomizers.batch().batchFileHashes(in, sniff);
            }
            Set<ContentHash> known = job.knownFiles();
            if (known == null && job.offset() > 0) {
                known = Set.of(); // begun by a version that skipped nothing: go on the same way
            } else if (known == null) {
                known = recordKnownFiles(job, owner, fileHashes);
                job = jobs.findForWorker(job.id()).orElseThrow(); // its pending atoms now hold them
            }
            skip = new BatchSkip(fileHashes, known);
        }
        // the input's atom gets the client's media type, else the one its signature shows
        String rootType = job.contentType() != null ? job.contentType() : atomizer.mediaType(sniff);
        ChunkSink sink = new ChunkSink(job, atomizer.modality(), owner, skip, rootType);
        TreeWriter.Ref root;
        try (InputStream in = new BufferedInputStream(spool.open(job.spoolPath()), 256 * 1024)) {
            TreeWriter tree = new TreeWriter(sink);
            atomizer.atomize(in, sniff, tree, sink.context);
            root = tree.finish();
        } catch (IOException | RuntimeException | Error e) {
            sink.abandon();
            throw e;
        }
        if (job.batch()) {
            // no tree of the archive: each file's atom was checked against the file's own SHA-256
            if (root != null) {
                sink.abandon();
                throw new IllegalStateException("a batch wrote a tree of its archive");
            }
            if (sink.entries.isEmpty()) {
                sink.abandon();
                throw new MalformedInputException("The batch holds no file: a tar archive of regular files of at "
                        + "least one byte is expected.");
            }
        } else if (root == null || !root.hash().equals(job.rootHash()) || root.length() != job.totalBytes()) {
            sink.abandon();
            throw new IllegalStateException("atomization does not rebuild the input (root " + root + ", expected "
                    + job.rootHash() + "): nothing of the last chunk was committed");
        }
        sink.flush(root == null ? null : root.hash());
        metrics.counter("hartonomous_atom_ingested_bytes_total", "modality", atomizer.modality()).increment(job.totalBytes());
    }

    /** At most this many files of one batch are pinned without atomizing (their set is kept in the job's options). */
    static final int MAX_SKIPPED_FILES = 10_000;

    /** A batch's file hashes in archive order, and the known contents among them that are not atomized again. */
    record BatchSkip(List<ContentHash> fileHashes, Set<ContentHash> known) {
        boolean skips(long ordinal) {
            return ordinal < fileHashes.size() && known.contains(fileHashes.get((int) ordinal));
        }
    }

    /**
     * Under the tenant's lock, the contents among a batch's files that the tenant has live (count
     * above 0; at most {@link #MAX_SKIPPED_FILES}), recorded with the job before its first chunk.
     */
    private Set<ContentHash> recordKnownFiles(Job job, String owner, List<ContentHash> fileHashes) {
        List<ContentHash> distinct = new ArrayList<>(new LinkedHashSet<>(fileHashes));
        return Tx.inTransaction(atoms.database(), "find a batch's known files", conn -> {
            atoms.lockTenant(conn, job.tenant());
            Set<ContentHash> known = new LinkedHashSet<>();
            for (int i = 0; i < distinct.size() && known.size() < MAX_SKIPPED_FILES; i += MAX_SKIPPED_FILES) {
                List<ContentHash> slice = distinct.subList(i, Math.min(distinct.size(), i + MAX_SKIPPED_FILES));
                Map<ContentHash, Long> counts = atoms.existing(conn, job.tenant(), slice);
                for (ContentHash h : slice) {
                    Long count = counts.get(h);
                    if (count != null && count > 0 && known.size() < MAX_SKIPPED_FILES) {
                        known.add(h);
                    }
                }
            }
            if (!jobs.recordKnownFiles(conn, job.id(), owner, Job.withKnownFiles(job.optionsJson(), known), known)) {
                throw new LeaseLostException(job.id());
            }
            return known;
        });
    }

    /** What {@link #createAndPinKnown} pinned, and the finished job. */
    public record KnownPinned(Job job, List<AtomRepository.Pin> pinned) {
    }

    /**
     * Creates a job and pins content the tenant already has, named by hash, in ONE transaction
     * under the tenant's lock: {@code create} writes the job (created claimed by {@code owner}) and
     * the start of its provenance; the contents still stored are pinned under their names, the job
     * completes with its lineage and usage; then the usage is reported. Used by re-ingests (an upload
     * of known content, {@code POST /api/v1/ingest/known}, its batch form). When none of
     * {@code pins} is stored (any more), nothing is written and 404 is thrown.
     */
    public KnownPinned createAndPinKnown(UUID id, String owner, int tenant, long totalBytes, ContentHash root,
                                        String modality, java.util.function.Consumer<io.vertx.mutiny.sqlclient.SqlConnection> create,
                                        List<AtomRepository.Pin> pins) {
        List<AtomRepository.Pin> pinned = underTenantLock("pin known content", (conn, exclusive) -> {
            create.accept(conn);
            List<AtomRepository.Pin> still = pinStored(conn, tenant, id, owner, pins, modality,
                    usageJson(finalEvents(id, tenant, totalBytes)), exclusive);
            if (still.isEmpty()) {
                Set<ContentHash> hashes = new LinkedHashSet<>();
                pins.forEach(p -> hashes.add(p.hash()));
                throw HartonomousException.notFound("No stored content has SHA-256 " + hashes.iterator().next().hex()
                        + (hashes.size() > 1 ? " or the others" : "") + "; upload it with POST /api/v1/ingest.");
            }
            return still;
        });
        Job job = jobs.findForWorker(id).orElseThrow();
        if (metering.enabled() && job.unreportedUsage() != null) {
            report(job, owner, job.unreportedUsage());
            job = jobs.findForWorker(id).orElseThrow();
        }
        atoms.refreshStatisticsIfGrown();
        metrics.counter("hartonomous_atom_jobs_total", "outcome", "completed").increment();
        notifier.completed(tenant, root);
        return new KnownPinned(job, pinned);
    }

    /** Known content: pin it again, write nothing else. */
    private boolean pinIfKnown(Job job, String owner) {
        if (!atoms.has(job.tenant(), job.rootHash())) {
            return false; // new content (a plain read, no lock: the chunk transactions decide under the lock)
        }
        return underTenantLock("pin known content",
                (conn, exclusive) -> !pinStored(conn, job.tenant(), job.id(), owner, List.of(new AtomRepository.Pin(job.rootHash(),
                        job.fileName())), null, usageJson(finalEvents(job)), exclusive).isEmpty());
    }

    /**
     * In the caller's transaction, under the tenant's lock (taken here): pins those of {@code pins}
     * whose content the tenant has stored for job {@code id} and completes the job — its progress,
     * {@code usage} and provenance. Three round trips: the lock with the reads it guards (and the
     * ones the provenance starts from), the pins with the job's completion and the provenance's
     * first writes, the rest of the provenance. Returns the pins made; none (and nothing written)
     * when none of the contents is stored.
     */
    private List<AtomRepository.Pin> pinStored(io.vertx.mutiny.sqlclient.SqlConnection conn, int tenant, UUID id,
                                               String owner, List<AtomRepository.Pin> pins, String modality, String usage,
                                               boolean exclusive) {
        Set<ContentHash> hashes = new LinkedHashSet<>();
        pins.forEach(p -> hashes.add(p.hash()));
        List<Tx.Statement> opening = new ArrayList<>(5);
        opening.add(atoms.lockStatement(tenant, exclusive));
        opening.add(jobs.pendingOfOthersStatement(tenant, id));
        opening.addAll(provenance.ingestionReads(tenant, id));
        atoms.existingStatement(tenant, hashes).ifPresent(opening::add);
        var answers = Tx.executeAll(conn, opening);
        Map<ContentHash, Long> counts = answers.size() < 5 ? Map.of() : atoms.existing(answers.get(4));
        Set<ContentHash> known = counts.keySet();
        List<AtomRepository.Pin> still = pins.stream().filter(p -> known.contains(p.hash())).toList();
        if (still.isEmpty()) {
            return still;
        }
        if (!exclusive) {
            requireLive(counts, known, Set.of());
        }
        Set<ContentHash> others = jobs.pendingOfOthers(answers.get(1));
        var record = provenance.beginIngestion(tenant, id, List.of(), answers.subList(2, 4));
        List<Tx.Statement> with = new ArrayList<>(jobs.progressStatements(id, owner, 0, 0, known.size(), Set.of(), modality,
                leaseUntil(), 0, usage, true));
        int recordAt = with.size();
        with.addAll(record.statements()); // after the pins: a job without an input records each pinned content
        var results = atoms.write(conn, tenant, List.of(), Map.of(), null, null, List.of(), Map.of(), others, still, id, with);
        if (!JobRepository.leaseHeld(results)) {
            throw new LeaseLostException(id);
        }
        record.finish(conn, results.subList(recordAt, results.size()));
        return still;
    }

    /** The root name of a batch's file: {@code prefix/path}, or {@code path} (checked by the batch's reader). */
    static String batchName(String prefix, String path) {
        return prefix.isEmpty() ? path : prefix + "/" + path;
    }

    private record PendingCoefficient(int layer, int x, int y, Integer z, ContentHash value) {
    }

    /** Collects emitted nodes, skipping the ones committed before, and commits full chunks. */
    private final class ChunkSink implements io.hartonomous.atom.atomize.AtomSink {
        private final Job job;
        private final String modality;
        /** The media type of the input's atom (null: application/octet-stream). */
        private final String rootType;
        private final Set<ContentHash> pending;
        private final String owner;
        /** A batch's known files, not atomized again (null: not a batch). */
        private final BatchSkip skip;
        private final boolean batchJob;
        private final String prefix;
        private final List<AtomNode> batch = new ArrayList<>();
        private final List<TreeWriter.Ref> derived = new ArrayList<>();
        private final List<AtomRepository.RelationSpec> relations = new ArrayList<>();
        private final List<String> derivedTypes = new ArrayList<>();
        /** Files of an archive or a batch: their roots and source names, pinned with the last chunk. */
        final List<AtomRepository.Pin> entries = new ArrayList<>();
        final io.hartonomous.atom.atomize.AtomizeContext context = new io.hartonomous.atom.atomize.AtomizeContext() {
            @Override
            public void derivedRoot(TreeWriter.Ref root, String relationType) {
                derived.add(root);
                derivedTypes.add(relationType);
            }

            @Override
            public void relation(ContentHash source, ContentHash target, String relationType, Double weight) {
                relations.add(new AtomRepository.RelationSpec(source, target, relationType, weight));
            }

            @Override
            public boolean skipEntry(long ordinal) {
                return skip != null && skip.skips(ordinal);
            }

            @Override
            public void skippedEntry(long ordinal, String name, ContentHash hash, long size) {
                if (!skip.skips(ordinal) || !hash.equals(skip.fileHashes().get((int) ordinal))) {
                    throw new IllegalStateException("file " + ordinal + " of the batch changed since it was hashed");
                }
                entries.add(new AtomRepository.Pin(hash, batchName(prefix, name)));
            }

            @Override
            public void entryRoot(TreeWriter.Ref root, String name) {
                String source;
                if (batchJob) {
                    source = batchName(prefix, name);
                } else {
                    source = job.fileName() + "/" + name;
                    source = source.length() > 500 ? source.substring(source.length() - 500) : source;
                }
                entries.add(new AtomRepository.Pin(root.hash(), source));
            }

            @Override
            public void model(ModelInfo info) {
                model = info;
            }

            @Override
            public void layer(LayerInfo layer) {
                layers.add(layer);
            }

            @Override
            public void coefficient(int layerIndex, int x, int y, Integer z, ContentHash value) {
                if (++coefficientCalls > job.coefficientOffset()) {
                    synchronized (coefficientQueue) {
                        coefficientQueue.add(new PendingCoefficient(layerIndex, x, y, z, value));
                    }
                }
            }

            @Override
            public boolean wantsCoefficients() {
                return job.coefficients();
            }
        };
        private volatile io.hartonomous.atom.atomize.AtomizeContext.ModelInfo model;
        private final List<io.hartonomous.atom.atomize.AtomizeContext.LayerInfo> layers = new ArrayList<>();
        private final java.util.ArrayDeque<PendingCoefficient> coefficientQueue = new java.util.ArrayDeque<>();
        private long coefficientCalls;
        private long coefficientsCommitted;
        private long coefficientsNow;
        private volatile Integer modelId;
        /** The chunk being committed on a committer thread, if any. */
        private java.util.concurrent.Future<?> inFlight;
        private String usageWritten;
        private long emitted;
        private long committed;

        ChunkSink(Job job, String modality, String owner, BatchSkip skip, String rootType) {
            this.job = job;
            this.rootType = rootType;
            this.owner = owner;
            this.skip = skip;
            this.batchJob = job.batch();
            this.prefix = job.prefix();
            this.modality = modality;
            this.pending = new LinkedHashSet<>(HashSet32.unpack(job.pendingHashes()));
            this.committed = job.offset();
            this.coefficientsCommitted = job.coefficientOffset();
        }

        @Override
        public void accept(AtomNode node) {
            emitted++;
            if (emitted <= job.offset()) {
                return; // committed by an earlier run of this job
            }
            batch.add(node);
            if (batch.size() >= job.chunkSize()) {
                commit(false, null);
            }
        }

        /**
         * Writes the model row (once), the coefficients whose value atoms are stored by now — the
         * longest such prefix of the queue, so what is committed is always a prefix of the
         * atomizer's calls — and, with the last chunk, the layers. Returns the coefficients written.
         */
        private long writeModelRows(io.vertx.mutiny.sqlclient.SqlConnection conn, boolean last,
                                    io.hartonomous.atom.atomize.AtomizeContext.ModelInfo model,
                                    List<PendingCoefficient> coefficientQueue) {
            if (model == null) {
                return 0;
            }
            if (modelId == null) {
                modelId = models.ensureModel(conn, job.tenant(), job.fileName(), model, job.rootHash());
            }
            long written = 0;
            if (!coefficientQueue.isEmpty()) {
                java.util.Set<ContentHash> values = new HashSet<>();
                coefficientQueue.forEach(c -> values.add(c.value()));
                Map<ContentHash, Long> ids = atoms.ids(conn, job.tenant(), values);
                List<io.hartonomous.atom.store.ModelRepository.Coefficient> rows = new ArrayList<>();
                for (PendingCoefficient c : coefficientQueue) {
                    Long id = ids.get(c.value());
                    if (id == null) {
                        if (last) {
                            throw new IllegalStateException("coefficient value " + c.value() + " was never emitted");
                        }
                        break;
                    }
                    rows.add(new io.hartonomous.atom.store.ModelRepository.Coefficient(c.layer(), c.x(), c.y(), c.z(), id));
                }
                models.insertCoefficients(conn, job.tenant(), modelId, rows);
                written = rows.size();
            }
            if (last) {
                models.insertLayers(conn, modelId, layers);
            }
            return written;
        }

        /** Commits what is left as the last chunk, with the pins: {@code root} (null for a batch) and the entries. */
        void flush(ContentHash root) {
            commit(true, root);
        }

        /**
         * Hands the full batch to a committer thread and returns, so the atomizer goes on with the
         * next chunk; first waits for the chunk before it (whose outcome — pending atoms, offset,
         * coefficients written — the next one builds on). The last chunk commits on this thread.
         */
        private void commit(boolean last, ContentHash root) {
            awaitInFlight();
            List<AtomNode> nodes = List.copyOf(batch);
            batch.clear();
            var modelNow = model;
            List<PendingCoefficient> coefficientsNowQueued;
            synchronized (coefficientQueue) {
                coefficientsNowQueued = new ArrayList<>(coefficientQueue);
            }
            if (last) {
                commitChunk(nodes, true, root, modelNow, coefficientsNowQueued);
            } else {
                inFlight = COMMITTERS.submit(() -> commitChunk(nodes, false, null, modelNow, coefficientsNowQueued));
            }
        }

        /** Waits for the chunk in flight; its failure becomes this thread's (unwrapped). */
        private void awaitInFlight() {
            if (inFlight == null) {
                return;
            }
            try {
                inFlight.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HartonomousException(ErrorCode.DEPENDENCY_UNAVAILABLE, "Interrupted while committing a chunk.");
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            } finally {
                inFlight = null;
            }
        }

        /** The atomizer failed: let the chunk in flight end (committed or not) before the job is released. */
        void abandon() {
            try {
                awaitInFlight();
            } catch (RuntimeException | Error ignored) {
                // the job fails for the atomizer's reason; this chunk's own failure adds nothing
            }
        }

        private void commitChunk(List<AtomNode> nodes, boolean last, ContentHash root,
                                 io.hartonomous.atom.atomize.AtomizeContext.ModelInfo model,
                                 List<PendingCoefficient> queued) {
            Map<ContentHash, AtomNode> distinct = new LinkedHashMap<>();
            for (AtomNode n : nodes) {
                distinct.putIfAbsent(n.hash(), n);
            }
            // at most the chunk's distinct atoms can be new (a text chunk repeats its tokens: a fifth
            // of its nodes are distinct), so that is what is reserved, not every node
            String reservation = metering.enabled() && !nodes.isEmpty()
                    ? untilBillingAnswers(job, owner, () -> metering.reserve(job.tenant(), distinct.size())) : null;
            Set<ContentHash> pendingAfter = underTenantLock("commit an ingestion chunk", (conn, exclusive) -> {
                // the tenant's lock and what is read under it, in one round trip (the server runs
                // the reads once it has granted the lock); the last chunk also reads what its
                // provenance record starts from
                List<Tx.Statement> opening = new ArrayList<>(6);
                atoms.workMemoryStatement(config.chunkWorkMemoryMb()).ifPresent(opening::add);
                opening.add(atoms.lockStatement(job.tenant(), exclusive));
                int othersAt = opening.size();
                opening.add(jobs.pendingOfOthersStatement(job.tenant(), job.id()));
                int lookupAt = opening.size();
                var lookup = atoms.existingStatement(job.tenant(), distinct.keySet());
                lookup.ifPresent(opening::add);
                int readsAt = opening.size();
                if (last) {
                    opening.addAll(provenance.ingestionReads(job.tenant(), job.id()));
                }
                var answers = Tx.executeAll(conn, opening);
                Set<ContentHash> others = jobs.pendingOfOthers(answers.get(othersAt));
                Map<ContentHash, Long> existing = lookup.isPresent() ? atoms.existing(answers.get(lookupAt)) : new HashMap<>();
                List<AtomNode> fresh = new ArrayList<>();
                List<AtomNode.Composite> freshComposites = new ArrayList<>();
                for (AtomNode n : distinct.values()) {
                    if (!existing.containsKey(n.hash())) {
                        fresh.add(n);
                        if (n instanceof AtomNode.Composite c) {
                            freshComposites.add(c);
                        }
                    }
                }
                Set<ContentHash> noPropagation = new HashSet<>(pending);
                noPropagation.addAll(others);
                Set<ContentHash> freshHashes = new HashSet<>();
                fresh.forEach(n -> freshHashes.add(n.hash()));
                noPropagation.addAll(freshHashes);
                Set<ContentHash> pendingNext = new LinkedHashSet<>(pending);
                // edges to atoms inserted now become their initial counts (no update of a new row);
                // edges to atoms stored before are count changes. Fresh atoms are pending: their
                // count changes never propagate, so both ways give the same counts.
                Map<ContentHash, Long> initial = new HashMap<>();
                Map<ContentHash, Long> deltas = new HashMap<>();
                for (AtomNode n : fresh) {
                    if (n instanceof AtomNode.Composite c) {
                        for (AtomNode.Edge e : c.children()) {
                            (freshHashes.contains(e.child()) ? initial : deltas).merge(e.child(), 1L, Long::sum);
                            pendingNext.remove(e.child());
                        }
                    }
                    pendingNext.add(n.hash());
                }
                // the last chunk pins its roots — the input (with its derived views) or the files of
                // an archive or a batch — with its atoms: a pin is a row and a count like an edge's
                List<AtomRepository.Pin> pins = new ArrayList<>();
                List<AtomRepository.RelationSpec> all = new ArrayList<>(relations);
                Set<ContentHash> views = new HashSet<>();
                if (last) {
                    if (root != null) {
                        pins.add(new AtomRepository.Pin(root, job.fileName()));
                        for (int i = 0; i < derived.size(); i++) {
                            ContentHash view = derived.get(i).hash();
                            if (!view.equals(root)) {
                                pins.add(new AtomRepository.Pin(view, job.fileName() + "#" + derivedTypes.get(i)));
                                views.add(view);
                                all.add(new AtomRepository.RelationSpec(root, view, derivedTypes.get(i), 1.0));
                            }
                        }
                    }
                    entries.stream().filter(p -> !p.hash().equals(root)).forEach(pins::add);
                    pins.forEach(p -> pendingNext.remove(p.hash()));
                }
                if (!exclusive) {
                    // beside other writers only what adds references: no count up from 0 (its
                    // children would count again), no atoms left to release, no model rows
                    if (model != null || !queued.isEmpty()) {
                        throw new NeedsExclusive("model");
                    }
                    if (last && !pendingNext.isEmpty()) {
                        throw new NeedsExclusive("release");
                    }
                    requireLive(existing, deltas.keySet(), pending);
                    requireLive(existing, pins.stream().map(AtomRepository.Pin::hash).toList(), pending);
                }
                long offset = committed + nodes.size();
                usageWritten = usageJson(chunkEvents(job, committed, fresh.size(), reservation, last));
                // sent with the writes: the job's progress (unless model rows written after the
                // atoms change what it records) and the first writes of the last chunk's provenance
                List<Tx.Statement> with = new ArrayList<>();
                boolean progressWithWrites = model == null;
                if (progressWithWrites) {
                    with.addAll(jobs.progressStatements(job.id(), owner, offset, fresh.size(), distinct.size() - fresh.size(),
                            last ? Set.of() : pendingNext, modality, leaseUntil(), coefficientsCommitted, usageWritten, last));
                }
                int recordAt = with.size();
                var record = last ? provenance.beginIngestion(job.tenant(), job.id(), views,
                        answers.subList(readsAt, readsAt + 2), rootType) : null;
                if (record != null) {
                    with.addAll(record.statements());
                }
                var written = atoms.write(conn, job.tenant(), fresh, initial, job.rootHash(), rootType,
                        freshComposites, deltas, noPropagation, pins, job.id(), with, exclusive);
                var withResults = written.with();
                if (progressWithWrites && !JobRepository.leaseHeld(withResults)) {
                    throw new LeaseLostException(job.id());
                }
                if (written.leavesStoredMeanwhile() > 0) {
                    // leaves another upload inserted since the lookup: reused, not created (nor billed)
                    long stored = written.leavesStoredMeanwhile();
                    usageWritten = usageJson(chunkEvents(job, committed, fresh.size() - stored, reservation, last));
                    jobs.correctCreated(conn, job.id(), stored, usageWritten);
                }
                coefficientsNow = writeModelRows(conn, last, model, queued);
                if (last) {
                    atoms.insertRelations(conn, job.tenant(), all);
                    if (!pendingNext.isEmpty()) {
                        // atoms no parent took (an atomizer emitted a second decomposition of content
                        // already decomposed): dead, like the rest of a failed job
                        atoms.release(conn, job.tenant(), pendingNext, others);
                        pendingNext.clear();
                    }
                }
                if (!progressWithWrites && !jobs.progress(conn, job.id(), owner, offset, fresh.size(),
                        distinct.size() - fresh.size(), last ? Set.of() : pendingNext, modality, leaseUntil(),
                        coefficientsCommitted + coefficientsNow, usageWritten, last)) {
                    throw new LeaseLostException(job.id());
                }
                if (record != null) {
                    record.finish(conn, withResults.subList(recordAt, withResults.size()));
                }
                return pendingNext;
            });
            report(job, owner, usageWritten);
            coefficientsCommitted += coefficientsNow;
            synchronized (coefficientQueue) {
                for (long i = 0; i < coefficientsNow; i++) {
                    coefficientQueue.pollFirst();
                }
            }
            pending.clear();
            pending.addAll(pendingAfter);
            committed += nodes.size();
            // the store may have grown fast: let the optimizer see it
            atoms.refreshStatisticsIfGrown();
        }
    }

    /**
     * A job that will not finish: its pending atoms become dead (their edges stop counting), so the
     * next garbage collection removes what it wrote; the tenant's live atoms are untouched. Only
     * while {@code owner} still holds the job: a run that lost it leaves it to the new holder.
     */
    private void failAndRelease(Job job, String owner, JobStatus status, String message) {
        boolean failed = Tx.inTransaction(atoms.database(), "release a failed job", conn -> {
            atoms.lockTenant(conn, job.tenant());
            Job current = jobs.findForWorker(job.id()).orElseThrow();
            Set<ContentHash> pending = HashSet32.unpack(current.pendingHashes());
            if (!jobs.fail(conn, job.id(), owner, status, message)) {
                return false;
            }
            Set<ContentHash> others = jobs.pendingOfOthers(conn, job.tenant(), job.id());
            atoms.release(conn, job.tenant(), pending, others);
            return true;
        });
        if (!failed) {
            LOG.warnf("job %s was not marked %s (%s): another worker holds it now", job.id(), status, message);
        }
    }

    /**
     * Runs {@code work} in one transaction under the tenant's atom lock, told whether it holds it
     * exclusively. With {@link IngestConfig#sharedWrites} it first holds the lock shared, beside
     * the tenant's other writers; when the work asks for the exclusive lock ({@link NeedsExclusive},
     * before writing anything) or the database failed it for a write conflict with another writer
     * (the same new atom inserted by both, a deadlock), that attempt is rolled back and the work
     * runs once more holding the lock exclusively — as it always did before shared writes, so the
     * second run cannot meet another writer.
     */
    private <T> T underTenantLock(String operation,
                                  java.util.function.BiFunction<io.vertx.mutiny.sqlclient.SqlConnection, Boolean, T> work) {
        if (config.sharedWrites()) {
            try {
                return Tx.inTransaction(atoms.database(), operation, conn -> work.apply(conn, false));
            } catch (RuntimeException e) {
                String reason = NeedsExclusive.reasonOf(e);
                if (reason == null && io.hartonomous.common.db.Database.isWriteConflict(e)) {
                    reason = "conflict";
                }
                if (reason == null) {
                    throw e;
                }
                LOG.debugf("%s runs again under the exclusive lock (%s)", operation, reason);
                metrics.counter("hartonomous_atom_exclusive_retries_total", "reason", reason).increment();
            }
        }
        return Tx.inTransaction(atoms.database(), operation, conn -> work.apply(conn, true));
    }

    /**
     * Under a shared lock, counts may only go up from above 0: an atom at 0 that is not the job's
     * own pending atom is dead or another job's pending one, and bringing it up decides whether its
     * children count again — a decision only the exclusive holder may take.
     */
    private static void requireLive(Map<ContentHash, Long> counts, java.util.Collection<ContentHash> incremented,
                                    Set<ContentHash> ownPending) {
        for (ContentHash h : incremented) {
            Long count = counts.get(h);
            if (count != null && count == 0 && !ownPending.contains(h)) {
                throw new NeedsExclusive("count at zero");
            }
        }
    }

    /** A transaction under the shared lock found work only the exclusive holder may do (nothing written yet). */
    static final class NeedsExclusive extends RuntimeException {
        final String reason;

        NeedsExclusive(String reason) {
            super("needs the tenant's exclusive atom lock: " + reason, null, false, false);
            this.reason = reason;
        }

        /** The reason of a {@link NeedsExclusive} in {@code e}'s causes, or null. */
        static String reasonOf(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof NeedsExclusive n) {
                    return n.reason;
                }
            }
            return null;
        }
    }

    /** A run's lease on its job was taken over by another worker (this run stalled past it). */
    static final class LeaseLostException extends HartonomousException {
        LeaseLostException(UUID job) {
            super(ErrorCode.CONFLICT, "Another worker took over job " + job + ".");
        }
    }

    /**
     * Usage events of a committed chunk (keyed by the job and the offset the chunk starts at, so a
     * resumed job sends the same keys): its new atoms against its reservation; the job totals with the last.
     */
    private List<Map<String, Object>> chunkEvents(Job job, long chunk, long atomsCreated, String reservation, boolean last) {
        List<Map<String, Object>> events = new ArrayList<>();
        if (reservation != null || atomsCreated > 0) {
            Map<String, Object> atomsEvent = event(job, job.id() + ":atoms:" + chunk, io.hartonomous.atom.metering.Metering.ATOMS,
                    atomsCreated);
            if (reservation != null) {
                atomsEvent.put("reservationId", reservation);
            }
            events.add(atomsEvent);
        }
        if (last) {
            events.addAll(finalEvents(job));
        }
        return events;
    }

    private List<Map<String, Object>> finalEvents(Job job) {
        return finalEvents(job.id(), job.tenant(), job.totalBytes());
    }

    private List<Map<String, Object>> finalEvents(UUID id, int tenant, long totalBytes) {
        return List.of(event(tenant, id + ":bytes", "bytes_ingested", totalBytes),
                event(tenant, id + ":job", "ingest_jobs", 1));
    }

    private static Map<String, Object> event(Job job, String key, String meter, long quantity) {
        return event(job.tenant(), key, meter, quantity);
    }

    private static Map<String, Object> event(int tenant, String key, String meter, long quantity) {
        Map<String, Object> e = new java.util.LinkedHashMap<>();
        e.put("idempotencyKey", key);
        e.put("meter", meter);
        e.put("quantity", quantity);
        e.put("timestamp", java.time.Instant.now().toString());
        e.put("tenant", tenant);
        return e;
    }

    private String usageJson(List<Map<String, Object>> events) {
        if (!metering.enabled() || events.isEmpty()) {
            return null;
        }
        try {
            return json.writeValueAsString(events);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends the usage events a finished job committed but never got acknowledged — its process died
     * between the final commit and the report — once (the next sweep retries a failure). Billing
     * deduplicates by idempotency key, so a report that did arrive before the crash counts once.
     */
    void reportFinished(UUID id) {
        Job job = jobs.findForWorker(id).orElse(null);
        if (!metering.enabled() || job == null || !job.status().finished() || job.unreportedUsage() == null) {
            return;
        }
        List<Map<String, Object>> events;
        try {
            events = json.readValue(job.unreportedUsage(), new com.fasterxml.jackson.core.type.TypeReference<>() {
            });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        for (Map<String, Object> o : metering.report(job.tenant(), events)) {
            if ("rejected".equals(o.get("outcome"))) {
                LOG.errorf("billing rejected usage of job %s: %s", job.id(), o);
            }
        }
        jobs.usageReported(job.id());
        LOG.infof("reported the usage job %s committed before its process ended", job.id());
    }

    /** Sends the usage events a crashed run committed but never got acknowledged (stored in the job). */
    private void reportUnreported(Job job, String owner) {
        if (metering.enabled()) {
            report(job, owner, jobs.findForWorker(job.id()).map(Job::unreportedUsage).orElse(null));
        }
    }

    /** Sends usage events (JSON array) and marks them acknowledged, waiting for billing as long as it takes. */
    private void report(Job job, String owner, String pendingUsage) {
        if (!metering.enabled() || pendingUsage == null) {
            return;
        }
        List<Map<String, Object>> events;
        try {
            events = json.readValue(pendingUsage, new com.fasterxml.jackson.core.type.TypeReference<>() {
            });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        List<Map<String, Object>> outcomes = untilBillingAnswers(job, owner, () -> metering.report(job.tenant(), events));
        for (Map<String, Object> o : outcomes) {
            if ("rejected".equals(o.get("outcome"))) {
                LOG.errorf("billing rejected usage of job %s: %s", job.id(), o);
            }
        }
        jobs.usageReported(job.id());
    }

    /**
     * Calls billing until it answers: while it is unreachable the job keeps its lease and waits
     * (1 s doubling to the configured maximum) — metering is never skipped. Quota and other
     * definite answers are thrown to the caller.
     */
    private <T> T untilBillingAnswers(Job job, String owner, java.util.function.Supplier<T> call) {
        long backoff = 1000;
        while (true) {
            try {
                return call.get();
            } catch (HartonomousException e) {
                if (e.code() != ErrorCode.DEPENDENCY_UNAVAILABLE) {
                    throw e;
                }
                LOG.warnf("job %s waits for billing-service: %s", job.id(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warnf("job %s waits for billing-service: %s", job.id(), e.toString());
            }
            if (!jobs.claim(job.id(), owner, leaseUntil())) {
                throw new LeaseLostException(job.id());
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HartonomousException(ErrorCode.DEPENDENCY_UNAVAILABLE, "Interrupted while waiting for billing.");
            }
            backoff = Math.min(backoff * 2, metering.config().maxBackoff().toMillis());
        }
    }

    LocalDateTime leaseUntil() {
        return JobRepository.now().plus(config.lease());
    }
}
