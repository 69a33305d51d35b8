package io.hartonomous.billing.quota;

import io.hartonomous.billing.access.AdminAccess;
import io.hartonomous.billing.meter.Meter;
import io.hartonomous.billing.usage.UsageResource;
import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.Caller;
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
 * {@code /api/v1/admin/tenants/{tenant}/quotas}: set limits. A tenant's {@code admin} manages its
 * own tenant, and may set limits up to the configured default only (a self-imposed cap); the
 * operator's admin manages every tenant and any limit. Anything else is 403.
 */
@Path("/api/v1/admin/tenants/{tenant}/quotas")
@Tag(name = "quotas")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
public class QuotaAdminResource {

    private final QuotaService quotas;
    private final CurrentCaller caller;
    private final AdminAccess access;

    public QuotaAdminResource(QuotaService quotas, CurrentCaller caller, AdminAccess access) {
        this.quotas = quotas;
        this.caller = caller;
        this.access = access;
    }

    public record LimitRequest(Long limit) {
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "A tenant's quotas (admin)")
    @APIResponse(responseCode = "200", description = "One entry per meter")
    @APIResponse(responseCode = "403", description = "Not admin, or another tenant and not the operator's admin")
    public Uni<List<QuotaView>> list(@PathParam("tenant") int tenant) {
        return quotas.list(access.administeredTenant(caller.get(), tenant));
    }

    @PUT
    @Path("/{meter}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Set a tenant's lifetime limit of a meter (admin)")
    @APIResponse(responseCode = "200", description = "The quota after the change")
    @APIResponse(responseCode = "400", description = "Unknown meter or a limit that is not a non-negative integer")
    @APIResponse(responseCode = "403", description = "Not admin; another tenant and not the operator's admin; or a "
            + "tenant's admin raising its own limit above the configured default")
    public Uni<QuotaView> set(@PathParam("tenant") int tenant, @PathParam("meter") String meter, LimitRequest request) {
        if (request == null || request.limit() == null) {
            throw HartonomousException.invalid("The body must be {\"limit\": <non-negative integer>}.");
        }
        Caller c = caller.get();
        int tenantId = access.administeredTenant(c, tenant);
        Meter m = UsageResource.meter(meter);
        long ceiling = quotas.defaultLimit(m);
        if (!access.isOperator(c) && request.limit() > ceiling) {
            throw new HartonomousException(ErrorCode.FORBIDDEN, "A tenant's admin may set its own " + m.wire()
                    + " limit up to the default of " + ceiling + "; above that needs the operator's admin.");
        }
        return quotas.setLimit(tenantId, m, request.limit());
    }

    @DELETE
    @Path("/{meter}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Reset a tenant's limit of a meter to the configured default (admin)")
    @APIResponse(responseCode = "200", description = "The quota after the change")
    @APIResponse(responseCode = "403", description = "Not admin, or another tenant and not the operator's admin")
    public Uni<QuotaView> reset(@PathParam("tenant") int tenant, @PathParam("meter") String meter) {
        return quotas.setLimit(access.administeredTenant(caller.get(), tenant), UsageResource.meter(meter), null);
    }
}
