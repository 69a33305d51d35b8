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

    /** The ingest contract: at least rootHash, jobId, status, atomsCreated, atomsReused. */
    public record JobView(String jobId, String status, String rootHash, String name, String contentType, String modality,
                          long bytes, long atomsCreated, long atomsReused, long atomsProcessed, boolean coefficients,
                          String error, LocalDateTime createdAt, LocalDateTime completedAt) {
        static JobView of(Job j) {
            return new JobView(j.id().toString(), j.status().name(), j.rootHash() == null ? null : j.rootHash().hex(),
                    j.fileName(), j.contentType(), j.modality(), j.totalBytes(), j.atomsCreated(), j.atomsReused(),
                    j.offset(), j.coefficients(), j.error(), j.createdAt(), j.completedAt());
        }
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
                    + "batch: it rebuilds byte for byte and each file inside becomes a root of its own, named archive/path.")
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
    private static Response answer(Job job) {
        JobView view = JobView.of(job);
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
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw HartonomousException.notFound("No job " + id + ".");
        }
        return jobs.find(caller.get().tenantId(), uuid).map(JobView::of)
                .orElseThrow(() -> HartonomousException.notFound("No job " + id + "."));
    }
}
