package io.hartonomous.billing.quota;

import io.hartonomous.billing.access.TenantAccess;
import io.hartonomous.billing.usage.UsageResource;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.CurrentCaller;
import io.hartonomous.common.tenancy.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * {@code /api/v1/admin/tenants/{tenant}/quotas}: set limits. An {@code admin} token manages its
 * own tenant; only a token that is also {@code service} may manage another (else 403).
 */
@Path("/api/v1/admin/tenants/{tenant}/quotas")
@Tag(name = "quotas")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
public class QuotaAdminResource {

    private final QuotaService quotas;
    private final CurrentCaller caller;

    public QuotaAdminResource(QuotaService quotas, CurrentCaller caller) {
        this.quotas = quotas;
        this.caller = caller;
    }

    public record LimitRequest(Long limit) {
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "A tenant's quotas (admin)")
    @APIResponse(responseCode = "200", description = "One entry per meter")
    @APIResponse(responseCode = "403", description = "Not admin, or another tenant without the service role")
    public Uni<List<QuotaView>> list(@PathParam("tenant") int tenant) {
        return quotas.list(TenantAccess.actingTenant(caller.get(), tenant));
    }

    @PUT
    @Path("/{meter}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Set a tenant's lifetime limit of a meter (admin)")
    @APIResponse(responseCode = "200", description = "The quota after the change")
    @APIResponse(responseCode = "400", description = "Unknown meter or a limit that is not a non-negative integer")
    @APIResponse(responseCode = "403", description = "Not admin, or another tenant without the service role")
    public Uni<QuotaView> set(@PathParam("tenant") int tenant, @PathParam("meter") String meter, LimitRequest request) {
        if (request == null || request.limit() == null) {
            throw HartonomousException.invalid("The body must be {\"limit\": <non-negative integer>}.");
        }
        return quotas.setLimit(TenantAccess.actingTenant(caller.get(), tenant), UsageResource.meter(meter), request.limit());
    }

    @DELETE
    @Path("/{meter}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Reset a tenant's limit of a meter to the configured default (admin)")
    @APIResponse(responseCode = "200", description = "The quota after the change")
    public Uni<QuotaView> reset(@PathParam("tenant") int tenant, @PathParam("meter") String meter) {
        return quotas.setLimit(TenantAccess.actingTenant(caller.get(), tenant), UsageResource.meter(meter), null);
    }
}
