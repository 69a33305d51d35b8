package io.hartonomous.billing.quota;

import io.hartonomous.billing.access.TenantAccess;
import io.hartonomous.billing.meter.Meter;
import io.hartonomous.billing.usage.UsageResource;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.CurrentCaller;
import io.hartonomous.common.tenancy.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** {@code /api/v1/quotas}: the caller's quotas and reservations. */
@Path("/api/v1/quotas")
@Tag(name = "quotas")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
public class QuotaResource {

    private final QuotaService quotas;
    private final CurrentCaller caller;

    public QuotaResource(QuotaService quotas, CurrentCaller caller) {
        this.quotas = quotas;
        this.caller = caller;
    }

    /** A reservation request: {@code ttlSeconds} optional (the configured default applies). */
    public record ReservationRequest(Long amount, Long ttlSeconds, Integer tenant) {
    }

    @GET
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "The tenant's quotas",
            description = "Quotas are lifetime totals per meter (not per month): limit, used, reserved and remaining.")
    @APIResponse(responseCode = "200", description = "One entry per meter")
    public Uni<List<QuotaView>> list(@QueryParam("tenant") Integer tenant) {
        return quotas.list(TenantAccess.actingTenant(caller.get(), tenant));
    }

    @POST
    @Path("/{meter}/reservations")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "Reserve an amount of a quota",
            description = "Atomic: concurrent reservations can never together pass the limit. A usage event naming the "
                    + "reservation commits it; DELETE releases it; past expiresAt it expires.")
    @APIResponse(responseCode = "201", description = "`{reservationId, expiresAt, …}`")
    @APIResponse(responseCode = "400", description = "Unknown meter, or amount not a positive integer")
    @APIResponse(responseCode = "429", description = "It does not fit: problem+json with `remaining`")
    public Uni<Response> reserve(@PathParam("meter") String meter, ReservationRequest request) {
        if (request == null || request.amount() == null) {
            throw HartonomousException.invalid("The body must be {\"amount\": <positive integer>}.");
        }
        Meter m = UsageResource.meter(meter);
        int tenant = TenantAccess.actingTenant(caller.get(), request.tenant());
        Duration ttl = request.ttlSeconds() == null ? null : Duration.ofSeconds(request.ttlSeconds());
        return quotas.reserve(tenant, m, request.amount(), ttl).map(r -> Response
                .created(URI.create("/api/v1/quotas/" + m.wire() + "/reservations/" + r.reservationId())).entity(r).build());
    }

    @GET
    @Path("/{meter}/reservations/{id}")
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "One reservation of the tenant")
    @APIResponse(responseCode = "200", description = "The reservation and its status")
    @APIResponse(responseCode = "404", description = "No such reservation of this tenant and meter")
    public Uni<ReservationView> get(@PathParam("meter") String meter, @PathParam("id") UUID id,
                                    @QueryParam("tenant") Integer tenant) {
        return quotas.get(TenantAccess.actingTenant(caller.get(), tenant), UsageResource.meter(meter), id);
    }

    @DELETE
    @Path("/{meter}/reservations/{id}")
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "Release a reservation", description = "Frees its whole amount.")
    @APIResponse(responseCode = "200", description = "Released")
    @APIResponse(responseCode = "404", description = "No such reservation of this tenant and meter")
    @APIResponse(responseCode = "409", description = "Already committed, released or expired")
    public Uni<ReservationView> release(@PathParam("meter") String meter, @PathParam("id") UUID id,
                                        @QueryParam("tenant") Integer tenant) {
        return quotas.release(TenantAccess.actingTenant(caller.get(), tenant), UsageResource.meter(meter), id);
    }

    @GET
    @Path("/reservations/{id}")
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "One reservation of the tenant, by id alone")
    @APIResponse(responseCode = "200", description = "The reservation, its meter and status")
    @APIResponse(responseCode = "404", description = "No such reservation of this tenant")
    public Uni<ReservationView> getById(@PathParam("id") UUID id, @QueryParam("tenant") Integer tenant) {
        return quotas.get(TenantAccess.actingTenant(caller.get(), tenant), null, id);
    }

    @DELETE
    @Path("/reservations/{id}")
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "Release a reservation by id alone", description = "Frees its whole amount.")
    @APIResponse(responseCode = "200", description = "Released")
    @APIResponse(responseCode = "404", description = "No such reservation of this tenant")
    @APIResponse(responseCode = "409", description = "Already committed, released or expired")
    public Uni<ReservationView> releaseById(@PathParam("id") UUID id, @QueryParam("tenant") Integer tenant) {
        return quotas.release(TenantAccess.actingTenant(caller.get(), tenant), null, id);
    }
}
