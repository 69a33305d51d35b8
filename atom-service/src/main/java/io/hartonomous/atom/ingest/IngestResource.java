package io.hartonomous.atom.ingest;

import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.CurrentCaller;
import io.hartonomous.common.tenancy.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;
import java.net.URI;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

/** {@code POST /api/v1/ingest} and {@code GET /api/v1/jobs/{id}}. */
@Path("/api/v1")
@Tag(name = "ingestion")
@SecurityRequirement(name = "jwt")
public class IngestResource {

    private final IngestService ingest;
    private final JobRepository jobs;
    private final CurrentCaller caller;

    public IngestResource(IngestService ingest, JobRepository jobs, CurrentCaller caller) {
        this.ingest = ingest;
        this.jobs = jobs;
        this.caller = caller;
    }

    /**
     * The ingest contract: at least rootHash, jobId, status, atomsCreated, atomsReused. {@code roots}:
     * the roots the job pinned (its input and derived views, the files of an archive or a batch).
     */
    public record JobView(String jobId, String status, String rootHash, String name, String contentType, String modality,
                          long bytes, long atomsCreated, long atomsReused, long atomsProcessed, boolean coefficients,
                          boolean batch, long roots, String error, LocalDateTime createdAt, LocalDateTime completedAt) {
        static JobView of(Job j, long roots) {
            return new JobView(j.id().toString(), j.status().name(), j.rootHash() == null ? null : j.rootHash().hex(),
                    j.fileName(), j.contentType(), j.modality(), j.totalBytes(), j.atomsCreated(), j.atomsReused(),
                    j.offset(), j.coefficients(), j.batch(), roots, j.error(), j.createdAt(), j.completedAt());
        }
    }

    private JobView view(Job job) {
        return JobView.of(job, job.status() == JobStatus.Completed ? jobs.rootCount(job.tenant(), job.id()) : 0);
    }

    /** The body of POST /api/v1/ingest/known/batch. */
    public record KnownBatchRequest(List<IngestService.KnownFile> files) {
    }

    /** The answer of POST /api/v1/ingest/known/batch. */
    public record KnownBatchView(String jobId, String status, long pinned, List<String> unknown) {
    }

    /** A root a job pinned. */
    public record RootView(String name, String rootHash, long bytes) {
    }

    /** A page of a job's roots. */
    public record RootPage(String jobId, long offset, int limit, List<RootView> roots) {
    }

    @POST
    @Path("/ingest")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.ADMIN})
    @Operation(summary = "Ingest a file of any modality",
            description = "The raw request body is the file, streamed to a spool and atomized into deduplicated atoms. "
                    + "Small inputs (and wait=true) complete in the request (201); otherwise 202 with Location of the job. "
                    + "Content the tenant already has is pinned again without writing atoms. A tar archive of files is a "
                    + "batch: it rebuilds byte for byte and each file inside becomes a root of its own, named archive/path. "
                    + "The Content-Type header is the file's media type, served back with its content; without one "
                    + "(or with application/octet-stream or a form encoding, as curl --data-binary sends) the media type "
                    + "is taken from the content's signature.")
    @APIResponse(responseCode = "201", description = "Ingested (job finished; see status)")
    @APIResponse(responseCode = "202", description = "Accepted; poll the job at Location")
    @APIResponse(responseCode = "400", description = "Empty body, bad name")
    @APIResponse(responseCode = "413", description = "Larger than the configured limit")
    @APIResponse(responseCode = "422", description = "Malformed file of the sniffed format")
    @APIResponse(responseCode = "429", description = "The tenant's atom quota does not allow it (job QuotaExceeded)")
    public Response ingest(InputStream body,
                           @Parameter(description = "The file's name (no path)") @QueryParam("name") String name,
                           @Parameter(description = "Wait for the job to finish") @QueryParam("wait") boolean wait,
                           @Parameter(description = "For model files: write a TensorAtomCoefficient row per weight "
                                   + "(default true; false for very large models)")
                           @QueryParam("coefficients") @jakarta.ws.rs.DefaultValue("true") boolean coefficients,
                           @HeaderParam("Content-Type") String contentType) {
        return answer(ingest.ingest(caller.get(), name, contentType, body, wait, coefficients));
    }

    @POST
    @Path("/ingest/batch")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.ADMIN})
    @Operation(summary = "Ingest many files at once, sent as one tar archive",
            description = "The raw request body is a tar archive (ustar, GNU or pax; application/x-tar), streamed. Each "
                    + "regular file of at least one byte becomes a root of its own, named prefix/path (path without a "
                    + "prefix), atomized by its own modality and deduplicated like a file sent alone; directories, links "
                    + "and empty files are skipped and the archive itself is not kept (ingest it with POST /api/v1/ingest "
                    + "to keep it byte for byte). Files whose content the tenant already has (up to 10,000 per batch) are "
                    + "hashed and pinned, not atomized again. One job, so a batch costs one request and one set of "
                    + "transactions. "
                    + "rootHash is the archive's SHA-256; roots counts the files pinned (list them with GET "
                    + "/api/v1/jobs/{id}/roots). Inside a batch, images keep their byte view only and models get no Model "
                    + "rows: send those alone for their raster and rows. A path that is absolute, has a '..' segment or "
                    + "control characters, or is longer than 255 characters fails the whole batch (422), nothing pinned.")
    @APIResponse(responseCode = "201", description = "Ingested (job finished; see status)")
    @APIResponse(responseCode = "202", description = "Accepted; poll the job at Location")
    @APIResponse(responseCode = "400", description = "Empty body, bad name or prefix")
    @APIResponse(responseCode = "413", description = "Larger than the configured limit")
    @APIResponse(responseCode = "422", description = "Not a tar archive, a malformed one, a bad path, or no file in it")
    @APIResponse(responseCode = "429", description = "The tenant's atom quota does not allow it (job QuotaExceeded)")
    public Response ingestBatch(InputStream body,
                                @Parameter(description = "The batch's name in the job and its lineage (default batch.tar)")
                                @QueryParam("name") String name,
                                @Parameter(description = "Prefix of the files' root names (prefix/path), at most 200 "
                                        + "characters") @QueryParam("prefix") String prefix,
                                @Parameter(description = "Wait for the job to finish") @QueryParam("wait") boolean wait,
                                @HeaderParam("Content-Type") String contentType) {
        return answer(ingest.ingestBatch(caller.get(), name, prefix, contentType, body, wait));
    }

    @POST
    @Path("/ingest/known/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.ADMIN})
    @Operation(summary = "Pin many contents the tenant already has, by SHA-256, without uploading them",
            description = "Body: {\"files\": [{\"sha256\": \"…\", \"name\": \"…\"}, …]}, 1 to 10,000 files. The "
                    + "contents the tenant has are pinned under their names in one job (one transaction, its own lineage "
                    + "and usage); the answer lists the hashes it does not have, to upload (e.g. as one batch with POST "
                    + "/api/v1/ingest/batch). 201 with the job when at least one was pinned; 200 without a job when none "
                    + "was known.")
    @APIResponse(responseCode = "201", description = "Pinned (job Completed); unknown hashes listed")
    @APIResponse(responseCode = "200", description = "None known: no job, every hash listed as unknown")
    @APIResponse(responseCode = "400", description = "No file, more than 10,000, a bad hash or name")
    public Response ingestKnownBatch(KnownBatchRequest request,
                                     @Parameter(description = "The job's name in its lineage (default: known batch of N "
                                             + "files)") @QueryParam("name") String name) {
        IngestService.KnownBatch done = ingest.ingestKnownBatch(caller.get(), name, request == null ? null : request.files());
        if (done.job().isEmpty()) {
            return Response.ok(new KnownBatchView(null, null, 0, done.unknown())).build();
        }
        Job job = done.job().get();
        return Response.status(201).location(URI.create("/api/v1/jobs/" + job.id()))
                .entity(new KnownBatchView(job.id().toString(), job.status().name(), done.pinned(), done.unknown())).build();
    }

    @POST
    @Path("/ingest/known")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.ADMIN})
    @Operation(summary = "Pin content the tenant already has, by its SHA-256, without uploading it",
            description = "Hash the file on the client (sha256sum) and ask: known content is pinned again under the "
                    + "given name at once (a completed job with atomsCreated 0, its own lineage and usage), so re-ingesting "
                    + "costs the client's hashing only. 404 when the tenant has no such content: upload it with "
                    + "POST /api/v1/ingest.")
    @APIResponse(responseCode = "201", description = "Pinned (job Completed)")
    @APIResponse(responseCode = "400", description = "Bad hash or name")
    @APIResponse(responseCode = "404", description = "The tenant has no content with this SHA-256")
    public Response ingestKnown(@Parameter(description = "The content's SHA-256, 64 hex digits", required = true)
                                @QueryParam("sha256") String sha256,
                                @Parameter(description = "The file's name (no path)", required = true)
                                @QueryParam("name") String name) {
        return answer(ingest.ingestKnown(caller.get(), sha256, name));
    }

    /** A finished or running job as the ingest contract answers it (problem+json when it failed). */
    private Response answer(Job job) {
        JobView view = view(job);
        URI location = URI.create("/api/v1/jobs/" + job.id());
        if (job.status() == JobStatus.Failed) {
            return Response.status(422).type("application/problem+json").location(location)
                    .entity(io.hartonomous.common.error.Problem.of(io.hartonomous.common.error.ErrorCode.UNPROCESSABLE_CONTENT,
                            job.error(), "/api/v1/ingest", null, java.util.Map.of("jobId", view.jobId(),
                                    "rootHash", view.rootHash())))
                    .build();
        }
        if (job.status() == JobStatus.QuotaExceeded) {
            return Response.status(429).type("application/problem+json").location(location)
                    .entity(io.hartonomous.common.error.Problem.of(io.hartonomous.common.error.ErrorCode.QUOTA_EXCEEDED,
                            job.error(), "/api/v1/ingest", null, java.util.Map.of("jobId", view.jobId(),
                                    "rootHash", view.rootHash())))
                    .build();
        }
        int status = job.status().finished() ? 201 : 202;
        return Response.status(status).location(location).entity(view).build();
    }

    @GET
    @Path("/jobs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN})
    @Operation(summary = "An ingestion job's state and counts")
    @APIResponse(responseCode = "200", description = "The job")
    @APIResponse(responseCode = "404", description = "No such job for this tenant")
    public JobView job(@PathParam("id") String id) {
        return view(jobOf(caller.get().tenantId(), id));
    }

    /** The tenant's job by its id; 404 for a malformed id or another tenant's job. */
    private Job jobOf(int tenant, String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw HartonomousException.notFound("No job " + id + ".");
        }
        return jobs.find(tenant, uuid).orElseThrow(() -> HartonomousException.notFound("No job " + id + "."));
    }

    @GET
    @Path("/jobs/{id}/roots")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN})
    @Operation(summary = "The roots a job pinned, paged",
            description = "Name, hash and size of each root the job pinned, in pinning order: its input and derived views, "
                    + "the files of an archive or a batch, the contents of a known batch.")
    @APIResponse(responseCode = "200", description = "A page of roots")
    @APIResponse(responseCode = "400", description = "Bad offset or limit")
    @APIResponse(responseCode = "404", description = "No such job for this tenant")
    public RootPage roots(@PathParam("id") String id,
                          @Parameter(description = "Roots to skip") @QueryParam("offset") @jakarta.ws.rs.DefaultValue("0") long offset,
                          @Parameter(description = "At most this many (1..10000)") @QueryParam("limit")
                          @jakarta.ws.rs.DefaultValue("1000") int limit) {
        if (offset < 0 || limit < 1 || limit > 10_000) {
            throw HartonomousException.invalid("offset must be at least 0 and limit between 1 and 10000.");
        }
        int tenant = caller.get().tenantId();
        UUID job = jobOf(tenant, id).id();
        List<RootView> roots = jobs.roots(tenant, job, offset, limit).stream()
                .map(r -> new RootView(r.name(), r.hash().hex(), r.bytes())).toList();
        return new RootPage(job.toString(), offset, limit, roots);
    }
}
