package io.hartonomous.search.embed;

import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.tenancy.CurrentCaller;
import io.hartonomous.common.tenancy.Roles;
import io.hartonomous.search.query.SearchService;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/embeddings}: ingestion notifications and per-dimension statistics. */
@Path("/api/v1/embeddings")
@Tag(name = "embeddings")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
public class EmbeddingResource {

    static final int MAX_FEATURE_ATOMS = 10_000;

    private final EmbeddingPipeline pipeline;
    private final SearchService search;
    private final CurrentCaller caller;

    public EmbeddingResource(EmbeddingPipeline pipeline, SearchService search, CurrentCaller caller) {
        this.pipeline = pipeline;
        this.search = search;
        this.caller = caller;
    }

    /** What atom-service sends after a job completed. */
    public record Notification(Integer tenant, String rootHash) {
    }

    @POST
    @Path("/notify")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.SERVICE, Roles.ADMIN})
    @Operation(summary = "New content was ingested",
            description = "Called by atom-service after an ingestion job completed, with a service token: {tenant, rootHash}. "
                    + "Starts a catch-up round at once (the periodic scan finds the root anyway, so a lost notification only "
                    + "delays indexing by at most a second).")
    @APIResponse(responseCode = "202", description = "A round is queued")
    @APIResponse(responseCode = "400", description = "rootHash is not a SHA-256 in hex")
    public Response notify(Notification body) {
        if (body != null && body.rootHash() != null) {
            try {
                ContentHash.parse(body.rootHash());
            } catch (IllegalArgumentException e) {
                throw HartonomousException.invalid("rootHash must be 64 hex digits.");
            }
        }
        pipeline.wake();
        return Response.accepted().build();
    }

    @GET
    @Path("/features")
    @Blocking
    @RolesAllowed({Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "Per-dimension statistics of embeddings",
            description = "Mean, standard deviation, minimum and maximum of each of the active model's dimensions over the "
                    + "embeddings of the given atoms (hash repeated, at most 10,000). Hashes without an embedding are listed "
                    + "under 'missing'.")
    @APIResponse(responseCode = "200", description = "Statistics")
    @APIResponse(responseCode = "400", description = "No hash, too many, or a malformed one")
    public Map<String, Object> features(@QueryParam("hash") List<String> hashes) {
        if (hashes == null || hashes.isEmpty()) {
            throw HartonomousException.invalid("Give at least one 'hash' parameter.");
        }
        if (hashes.size() > MAX_FEATURE_ATOMS) {
            throw HartonomousException.invalid("At most " + MAX_FEATURE_ATOMS + " hashes per request.");
        }
        List<ContentHash> parsed = new ArrayList<>();
        for (String h : hashes) {
            try {
                parsed.add(ContentHash.parse(h));
            } catch (IllegalArgumentException e) {
                throw HartonomousException.invalid("'" + (h.length() > 70 ? h.substring(0, 70) : h) + "' is not a SHA-256 in hex.");
            }
        }
        return search.features(caller.get().tenantId(), parsed);
    }
}
