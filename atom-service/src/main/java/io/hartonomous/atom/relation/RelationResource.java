package io.hartonomous.atom.relation;

import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.tenancy.CurrentCaller;
import io.hartonomous.common.tenancy.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Relations between the caller's atoms. */
@Path("/api/v1/relations")
@Tag(name = "relations")
@SecurityRequirement(name = "jwt")
public class RelationResource {

    /** Lowercase snake_case, at most 128 characters (the column's width). */
    static final Pattern TYPE = Pattern.compile("^[a-z][a-z0-9]*(_[a-z0-9]+)*$");
    static final int MAX_TYPE_LENGTH = 128;

    private final RelationRepository relations;
    private final CurrentCaller caller;

    public RelationResource(RelationRepository relations, CurrentCaller caller) {
        this.relations = relations;
        this.caller = caller;
    }

    /** A relation to create: atoms by hash; weight, confidence and importance optional, each in 0..1. */
    public record NewRelation(String source, String target, String type, Double weight, Double confidence,
                              Double importance) {
    }

    public record RelationPage(int page, int size, boolean hasMore, List<RelationRepository.Relation> relations) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "Relate two of the tenant's atoms",
            description = "type: a system type (derives_from, similar_to, contradicts, influences, decodes_to) or any "
                    + "tenant-defined lowercase snake_case name of at most 128 characters (no registration needed). "
                    + "weight, confidence, importance: optional, each a finite number in 0..1 (confidence and "
                    + "importance are stored with 4 decimals). Idempotent: when the tenant already has a relation with "
                    + "the same source, target and type, it is returned unchanged with 200.")
    @APIResponse(responseCode = "201", description = "Created; Location names it")
    @APIResponse(responseCode = "200", description = "The existing relation with the same source, target and type")
    @APIResponse(responseCode = "400", description = "Missing field or not a SHA-256 hex digest")
    @APIResponse(responseCode = "404", description = "Source or target is not one of the tenant's atoms")
    @APIResponse(responseCode = "422", description = "Bad type, a value outside 0..1 (or not finite), or source = target")
    public Response create(NewRelation body) {
        if (body == null) {
            throw HartonomousException.invalid("A JSON body {source, target, type} is required.");
        }
        ContentHash source = hash("source", body.source());
        ContentHash target = hash("target", body.target());
        String type = type(body.type());
        if (source.equals(target)) {
            throw unprocessable("source and target must be different atoms.");
        }
        unit("weight", body.weight());
        unit("confidence", body.confidence());
        unit("importance", body.importance());
        RelationRepository.Created c = relations.create(caller.get().tenantId(), source, target, type, body.weight(),
                        body.confidence(), body.importance())
                .orElseThrow(() -> HartonomousException.notFound("The tenant has no atom " + source.hex() + " or "
                        + target.hex() + "."));
        return Response.status(c.created() ? 201 : 200).location(URI.create("/api/v1/relations/" + c.relation().id()))
                .entity(c.relation()).build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "The tenant's relations from and/or to an atom, paged",
            description = "At least one of source and target; type filters further. In creation order.")
    @APIResponse(responseCode = "200", description = "A page of relations")
    @APIResponse(responseCode = "400", description = "Neither source nor target, bad paging")
    @APIResponse(responseCode = "404", description = "source or target is not one of the tenant's atoms")
    public RelationPage list(@QueryParam("source") String source, @QueryParam("target") String target,
                             @QueryParam("type") String type,
                             @QueryParam("page") @DefaultValue("0") int page,
                             @QueryParam("size") @DefaultValue("50") int size) {
        if (isBlank(source) && isBlank(target)) {
            throw HartonomousException.invalid("Give source, target or both (atom hashes).");
        }
        if (page < 0 || size < 1 || size > 500) {
            throw HartonomousException.invalid("page must be >= 0 and size 1..500.");
        }
        ContentHash s = isBlank(source) ? null : hash("source", source);
        ContentHash t = isBlank(target) ? null : hash("target", target);
        String ty = isBlank(type) ? null : type(type);
        int tenant = caller.get().tenantId();
        Set<ContentHash> wanted = new java.util.HashSet<>();
        if (s != null) {
            wanted.add(s);
        }
        if (t != null) {
            wanted.add(t);
        }
        Map<ContentHash, Long> ids = relations.atomIds(tenant, wanted);
        if (ids.size() != wanted.size()) {
            throw HartonomousException.notFound("The tenant has no atom " + (s != null && !ids.containsKey(s) ? s : t).hex()
                    + ".");
        }
        List<RelationRepository.Relation> found = relations.list(tenant, s == null ? null : ids.get(s),
                t == null ? null : ids.get(t), ty, (long) page * size, size + 1);
        boolean more = found.size() > size;
        return new RelationPage(page, size, more, more ? found.subList(0, size) : found);
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "One of the tenant's relations")
    @APIResponse(responseCode = "200", description = "The relation")
    @APIResponse(responseCode = "404", description = "The tenant has no such relation")
    public RelationRepository.Relation get(@PathParam("id") long id) {
        return relations.find(caller.get().tenantId(), id)
                .orElseThrow(() -> HartonomousException.notFound("No relation " + id + "."));
    }

    @DELETE
    @Path("/{id}")
    @Blocking
    @RolesAllowed({Roles.INGEST, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "Delete one of the tenant's relations", description = "Its last version stays in the history.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "The tenant has no such relation")
    public Response delete(@PathParam("id") long id) {
        if (!relations.delete(caller.get().tenantId(), id)) {
            throw HartonomousException.notFound("No relation " + id + ".");
        }
        return Response.noContent().build();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static ContentHash hash(String field, String value) {
        if (isBlank(value)) {
            throw HartonomousException.invalid("'" + field + "' is required (a SHA-256 hex digest).");
        }
        try {
            return ContentHash.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw HartonomousException.invalid("'" + field + "' is not a SHA-256 hex digest: " + e.getMessage());
        }
    }

    static String type(String type) {
        if (isBlank(type)) {
            throw unprocessable("'type' is required: a system type (derives_from, similar_to, contradicts, influences, "
                    + "decodes_to) or a lowercase snake_case name.");
        }
        if (type.length() > MAX_TYPE_LENGTH || !TYPE.matcher(type).matches()) {
            throw unprocessable("'type' must be lowercase snake_case (a-z, 0-9, single underscores, starting with a "
                    + "letter) of at most " + MAX_TYPE_LENGTH + " characters: " + abbreviate(type));
        }
        return type;
    }

    static void unit(String field, Double value) {
        if (value != null && (!Double.isFinite(value) || value < 0 || value > 1)) {
            throw unprocessable("'" + field + "' must be a number from 0 to 1, got " + value + ".");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 37) + "...'";
    }

    private static HartonomousException unprocessable(String detail) {
        return new HartonomousException(ErrorCode.UNPROCESSABLE_CONTENT, detail);
    }
}
