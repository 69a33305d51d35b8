package io.hartonomous.atom.manage;

import io.hartonomous.atom.ingest.JobRepository;
import io.hartonomous.atom.store.AtomRepository;
import io.hartonomous.common.db.Tx;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.tenancy.CurrentCaller;
import io.hartonomous.common.tenancy.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/** Unpinning, garbage collection and statistics. */
@Path("/api/v1")
@Tag(name = "store")
@SecurityRequirement(name = "jwt")
public class ManageResource {

    private static final UUID NO_JOB = new UUID(0, 0);

    private final AtomRepository atoms;
    private final ManageRepository manage;
    private final JobRepository jobs;
    private final CurrentCaller caller;

    public ManageResource(AtomRepository atoms, ManageRepository manage, JobRepository jobs, CurrentCaller caller) {
        this.atoms = atoms;
        this.manage = manage;
        this.jobs = jobs;
        this.caller = caller;
    }

    public record Unpinned(String rootHash, long pinsRemoved) {
    }

    public record Collected(long deleted, int batches, boolean complete) {
    }

    @DELETE
    @Path("/roots/{hash}")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.ADMIN})
    @Operation(summary = "Unpin an ingested root",
            description = "Removes all of the tenant's pins on the root; reference counts drop recursively and atoms "
                    + "reaching zero become dead. Nothing is deleted here: garbage collection removes dead atoms.")
    @APIResponse(responseCode = "200", description = "Unpinned")
    @APIResponse(responseCode = "404", description = "The tenant has no pin on this hash")
    public Unpinned unpin(@PathParam("hash") String hash) {
        ContentHash root = parse(hash);
        int tenant = caller.get().tenantId();
        long removed = Tx.inTransaction(atoms.database(), "unpin a root", conn -> {
            atoms.lockTenant(conn, tenant);
            return atoms.unpin(conn, tenant, root, jobs.pendingOfOthers(conn, tenant, NO_JOB));
        });
        if (removed == 0) {
            throw HartonomousException.notFound("No pinned root " + root.hex() + ".");
        }
        return new Unpinned(root.hex(), removed);
    }

    public record RootPage(int page, int size, boolean hasMore, java.util.List<ManageRepository.Root> roots) {
    }

    @GET
    @Path("/roots")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN})
    @Operation(summary = "The tenant's pinned ingestion roots, newest first, paged",
            description = "One entry per pin (an ingestion and each derived view it pinned): hash, source name, size, "
                    + "modality, content type, job and when it was pinned.")
    @APIResponse(responseCode = "200", description = "A page of roots")
    @APIResponse(responseCode = "400", description = "Bad paging")
    public RootPage roots(@QueryParam("page") @DefaultValue("0") int page,
                          @QueryParam("size") @DefaultValue("50") int size) {
        if (page < 0 || size < 1 || size > 500) {
            throw HartonomousException.invalid("page must be >= 0 and size 1..500.");
        }
        java.util.List<ManageRepository.Root> found = manage.roots(caller.get().tenantId(), (long) page * size, size + 1);
        boolean more = found.size() > size;
        return new RootPage(page, size, more, more ? found.subList(0, size) : found);
    }

    @POST
    @Path("/admin/gc")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Remove the tenant's dead atoms",
            description = "Deletes atoms whose reference count is zero in bounded batches (one transaction each), "
                    + "never an atom a running ingestion still needs.")
    @APIResponse(responseCode = "200", description = "What was removed")
    public Collected collect(@QueryParam("batch") @DefaultValue("1000") int batch,
                             @QueryParam("maxBatches") @DefaultValue("1000") int maxBatches) {
        if (batch < 1 || batch > 10_000 || maxBatches < 1) {
            throw HartonomousException.invalid("batch must be 1..10000 and maxBatches positive.");
        }
        int tenant = caller.get().tenantId();
        long deleted = 0;
        int batches = 0;
        while (batches < maxBatches) {
            int n = Tx.inTransaction(atoms.database(), "collect dead atoms", conn -> {
                atoms.lockTenant(conn, tenant);
                Set<ContentHash> pending = new HashSet<>(jobs.pendingOfOthers(conn, tenant, NO_JOB));
                return manage.collectBatch(conn, tenant, batch, pending);
            });
            batches++;
            deleted += n;
            if (n < batch) {
                return new Collected(deleted, batches, true);
            }
        }
        return new Collected(deleted, batches, false);
    }

    @GET
    @Path("/stats")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN})
    @Operation(summary = "The tenant's store: atoms, compositions, bytes ingested vs stored, dead atoms, per modality")
    @APIResponse(responseCode = "200", description = "Statistics")
    public ManageRepository.Stats stats() {
        return manage.stats(caller.get().tenantId());
    }

    private static ContentHash parse(String hash) {
        try {
            return ContentHash.parse(hash);
        } catch (IllegalArgumentException e) {
            throw HartonomousException.invalid("Not a SHA-256 hex digest: " + e.getMessage());
        }
    }
}
