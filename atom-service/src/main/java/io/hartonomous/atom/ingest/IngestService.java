package io.hartonomous.atom.ingest;

import io.hartonomous.atom.lineage.ProvenanceRepository;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.tenancy.Caller;
import io.hartonomous.common.tenancy.Roles;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Accepting uploads: name checks, spooling, job creation, and in-request processing of small ones. */
@ApplicationScoped
public class IngestService {

    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029\\u202e]");

    private final Spool spool;
    private final JobRepository jobs;
    private final JobRunner runner;
    private final JobWorker worker;
    private final IngestConfig config;
    private final ProvenanceRepository provenance;
    private final io.hartonomous.atom.store.AtomRepository atoms;

    public IngestService(Spool spool, JobRepository jobs, JobRunner runner, JobWorker worker, IngestConfig config,
                         ProvenanceRepository provenance, io.hartonomous.atom.store.AtomRepository atoms) {
        this.atoms = atoms;
        this.provenance = provenance;
        this.spool = spool;
        this.jobs = jobs;
        this.runner = runner;
        this.worker = worker;
        this.config = config;
    }

    /**
     * Spools the body and creates its job; completes it within the call when asked to wait or the
     * input is small. The returned job is finished, or Pending/Processing for the worker. The
     * caller is recorded as the agent of the job's provenance activity.
     */
    public Job ingest(Caller who, String name, String contentType, InputStream body, boolean wait, boolean coefficients) {
        return ingest(who, checkName(name), contentType, body, wait, Job.options(coefficients, false, null), false);
    }

    /**
     * A batch of files sent as one tar archive: each regular file becomes a root of its own named
     * {@code prefix/path}; the archive itself is not kept. Otherwise as {@link #ingest}.
     */
    public Job ingestBatch(Caller who, String name, String prefix, String contentType, InputStream body, boolean wait) {
        String fileName = checkName(name == null || name.isBlank() ? "batch.tar" : name);
        String cleanPrefix = prefix == null ? "" : prefix.strip();
        while (cleanPrefix.endsWith("/")) {
            cleanPrefix = cleanPrefix.substring(0, cleanPrefix.length() - 1);
        }
        if (!cleanPrefix.isEmpty()) {
            if (cleanPrefix.length() > MAX_PREFIX) {
                throw HartonomousException.invalid("The prefix is longer than " + MAX_PREFIX + " characters.");
            }
            checkName(cleanPrefix);
        }
        return ingest(who, fileName, contentType, body, wait, Job.options(true, true, cleanPrefix), true);
    }

    private Job ingest(Caller who, String fileName, String contentType, InputStream body, boolean wait, String options,
                       boolean batch) {
        int tenant = who.tenantId();
        UUID id = UUID.randomUUID();
        Spool.Spooled upload = spool.write(id, body);
        if (upload.size() == 0) {
            spool.delete(upload.path().toString());
            throw HartonomousException.invalid("The upload is empty: there is nothing to atomize.");
        }
        if (!batch && atoms.has(tenant, upload.hash())) {
            // content the tenant has: pinned at once, in one transaction, nothing atomized
            String owner = JobRunner.newOwner();
            try {
                Job job = runner.createAndPinKnown(id, owner, tenant, upload.size(), upload.hash(), null, conn -> {
                    started(conn, who, id, jobs.createStatement(id, tenant, fileName, cleanContentType(contentType),
                            config.chunkSize(), upload.hash(), upload.size(), null, owner, runner.leaseUntil(), options));
                }, List.of(new io.hartonomous.atom.store.AtomRepository.Pin(upload.hash(), fileName))).job();
                spool.delete(upload.path().toString());
                return job;
            } catch (HartonomousException e) {
                if (e.code() != io.hartonomous.common.error.ErrorCode.NOT_FOUND) {
                    spool.delete(upload.path().toString());
                    throw e;
                }
                // collected since the look-up: ingested below like new content
            }
        }
        boolean inline = wait || upload.size() <= config.inlineBytes();
        // an inline job is created already leased to this request, so the worker leaves it alone;
        // should the request die, the lease expires and the worker resumes it
        String owner = inline ? JobRunner.newOwner() : null;
        // the job and the start of its provenance activity: one transaction
        io.hartonomous.common.db.Tx.inTransaction(jobs.database(), "create an ingestion job", conn -> {
            started(conn, who, id, jobs.createStatement(id, tenant, fileName, cleanContentType(contentType),
                    config.chunkSize(), upload.hash(), upload.size(), upload.path().toString(), owner, runner.leaseUntil(),
                    options));
            return null;
        });
        if (inline) {
            // a single input was looked up above (a batch's files are, by the job)
            Optional<Job> done = batch ? runner.run(id, owner, true) : runner.runNew(id, owner);
            if (done.isPresent()) {
                return done.get();
            }
        } else {
            worker.nudge();
        }
        return jobs.find(tenant, id).orElseThrow();
    }

    /**
     * Pins content the tenant already has, named by its SHA-256, without an upload: a job that
     * completes at once (a new root pin and its lineage, usage metered like a re-ingest). The client
     * hashes the file and asks, so known content costs its hashing only. 404 when the tenant has no
     * such atom (upload it then).
     */
    public Job ingestKnown(Caller who, String hashHex, String name) {
        int tenant = who.tenantId();
        String fileName = checkName(name);
        ContentHash hash;
        try {
            hash = ContentHash.parse(hashHex == null ? "" : hashHex);
        } catch (IllegalArgumentException e) {
            throw HartonomousException.invalid("Query parameter 'sha256' must be 64 hex digits (the content's SHA-256).");
        }
        long size = atoms.find(tenant, hash).map(io.hartonomous.atom.store.AtomRecord::length)
                .orElseThrow(() -> HartonomousException.notFound("No stored content has SHA-256 " + hash.hex()
                        + "; upload it with POST /api/v1/ingest."));
        UUID id = UUID.randomUUID();
        String owner = JobRunner.newOwner();
        return runner.createAndPinKnown(id, owner, tenant, size, hash, null, conn -> {
            started(conn, who, id, jobs.createStatement(id, tenant, fileName, null, config.chunkSize(), hash, size, null,
                    owner, runner.leaseUntil(), null));
        }, List.of(new io.hartonomous.atom.store.AtomRepository.Pin(hash, fileName))).job();
    }

    /** Writes the job ({@code job}, its insert) and the start of its provenance, in two round trips. */
    private void started(io.vertx.mutiny.sqlclient.SqlConnection conn, Caller who, UUID id,
                         io.hartonomous.common.db.Tx.Statement job) {
        provenance.started(conn, who.tenantId(), id, who.hasRole(Roles.SERVICE) ? "service" : "user", who.subject(),
                List.of(job));
    }

    /** At most this many files per known batch. */
    public static final int MAX_KNOWN_BATCH = 10_000;
    /** At most this long a batch's prefix (with a 255-character path, a root name fits in 500). */
    static final int MAX_PREFIX = 200;

    /** A file of a known batch: its SHA-256 and its name. */
    public record KnownFile(String sha256, String name) {
    }

    /** The outcome of a known batch: the job (absent when nothing was known), what it pinned, what is unknown. */
    public record KnownBatch(Optional<Job> job, long pinned, List<String> unknown) {
    }

    /**
     * Pins many contents the tenant already has, by SHA-256 and name, in one job (one transaction):
     * the client hashes its files, asks once, and uploads only the unknown ones. A hash repeated
     * under two names is pinned under both. No job when none is known.
     */
    public KnownBatch ingestKnownBatch(Caller who, String name, List<KnownFile> files) {
        int tenant = who.tenantId();
        if (files == null || files.isEmpty()) {
            throw HartonomousException.invalid("Give at least one file: {\"files\": [{\"sha256\": …, \"name\": …}]}.");
        }
        if (files.size() > MAX_KNOWN_BATCH) {
            throw HartonomousException.invalid("At most " + MAX_KNOWN_BATCH + " files per request (got " + files.size() + ").");
        }
        List<io.hartonomous.atom.store.AtomRepository.Pin> asked = new java.util.ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            KnownFile f = files.get(i);
            if (f == null) {
                throw HartonomousException.invalid("files[" + i + "] is null.");
            }
            ContentHash hash;
            try {
                hash = ContentHash.parse(f.sha256() == null ? "" : f.sha256());
            } catch (IllegalArgumentException e) {
                throw HartonomousException.invalid("files[" + i + "].sha256 must be 64 hex digits (the content's SHA-256).");
            }
            String fileName;
            try {
                fileName = checkName(f.name());
            } catch (HartonomousException e) {
                throw HartonomousException.invalid("files[" + i + "].name: " + e.getMessage());
            }
            asked.add(new io.hartonomous.atom.store.AtomRepository.Pin(hash, fileName));
        }
        String jobName = checkName(name == null || name.isBlank() ? "known batch of " + files.size() + " files" : name);
        java.util.Set<ContentHash> distinct = new java.util.LinkedHashSet<>();
        asked.forEach(p -> distinct.add(p.hash()));
        java.util.Map<ContentHash, Long> lengths = atoms.lengths(tenant, distinct);
        List<io.hartonomous.atom.store.AtomRepository.Pin> known = asked.stream().filter(p -> lengths.containsKey(p.hash())).toList();
        if (known.isEmpty()) {
            return new KnownBatch(Optional.empty(), 0, distinct.stream().map(ContentHash::hex).toList());
        }
        long bytes = known.stream().map(p -> p.hash()).distinct().mapToLong(lengths::get).sum();
        UUID id = UUID.randomUUID();
        String owner = JobRunner.newOwner();
        JobRunner.KnownPinned done;
        try {
            done = runner.createAndPinKnown(id, owner, tenant, bytes, null, io.hartonomous.atom.atomize.archive.TarArchiveAtomizer.BATCH,
                    conn -> {
                        started(conn, who, id, jobs.createStatement(id, tenant, jobName, null, config.chunkSize(), null,
                                bytes, null, owner, runner.leaseUntil(), null));
                    }, known);
        } catch (HartonomousException e) {
            if (e.code() != io.hartonomous.common.error.ErrorCode.NOT_FOUND) {
                throw e;
            }
            // collected since it was looked up: nothing written
            return new KnownBatch(Optional.empty(), 0, distinct.stream().map(ContentHash::hex).toList());
        }
        java.util.Set<ContentHash> pinnedHashes = new java.util.HashSet<>();
        done.pinned().forEach(p -> pinnedHashes.add(p.hash()));
        List<String> unknown = distinct.stream().filter(h -> !pinnedHashes.contains(h)).map(ContentHash::hex).toList();
        return new KnownBatch(Optional.of(done.job()), done.pinned().size(), unknown);
    }

    /**
     * A display name, not a path: at most 255 characters, no control characters, no {@code ..}
     * segment, no absolute path, no backslash.
     */
    static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw HartonomousException.invalid("Query parameter 'name' is required (the file's name).");
        }
        if (name.length() > 255) {
            throw HartonomousException.invalid("The name is longer than 255 characters.");
        }
        if (CONTROL.matcher(name).find()) {
            throw HartonomousException.invalid("The name contains control characters.");
        }
        if (name.startsWith("/") || name.contains("\\") || name.equals("..") || name.startsWith("../")
                || name.endsWith("/..") || name.contains("/../")) {
            throw HartonomousException.invalid("The name must not be an absolute path or contain '..' segments.");
        }
        return name;
    }

    /**
     * The client's media type of the file, or null to take the one the content's signature shows:
     * also for the types that say nothing about a raw body — {@code application/octet-stream} (any
     * bytes) and the form encodings ({@code curl --data-binary} sends its body as
     * {@code application/x-www-form-urlencoded} unless told otherwise).
     */
    static String cleanContentType(String contentType) {
        if (contentType == null || contentType.isBlank() || contentType.length() > 255 || CONTROL.matcher(contentType).find()) {
            return null;
        }
        String type = contentType.trim();
        String essence = type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (essence.equals("application/octet-stream") || essence.equals("application/x-www-form-urlencoded")
                || essence.equals("multipart/form-data")) {
            return null;
        }
        return type;
    }
}
