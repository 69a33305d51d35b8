package io.hartonomous.billing.invoice;

import io.hartonomous.billing.access.AdminAccess;
import io.hartonomous.billing.meter.Meter;
import io.hartonomous.billing.usage.UsageResource;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.CurrentCaller;
import io.hartonomous.common.tenancy.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
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

/** The rate card: graduated price tiers per meter, the same for every tenant. */
@Path("/api/v1")
@Tag(name = "invoices")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
public class RateCardResource {

    private final InvoiceService invoices;
    private final CurrentCaller caller;
    private final AdminAccess access;

    public RateCardResource(InvoiceService invoices, CurrentCaller caller, AdminAccess access) {
        this.invoices = invoices;
        this.caller = caller;
        this.access = access;
    }

    public record MeterPrices(String meter, String currency, List<Tier> tiers) {
    }

    public record TiersRequest(String currency, List<Tier> tiers) {
    }

    @GET
    @Path("/rate-card")
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "The rate card", description = "Graduated tiers: each unit is priced by the tier it falls in; "
            + "prices are micro-units of the currency.")
    @APIResponse(responseCode = "200", description = "Tiers per meter")
    public Uni<List<MeterPrices>> get() {
        return invoices.rateCard().map(RateCardResource::view);
    }

    @PUT
    @Path("/admin/rate-card/{meter}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Replace a meter's price tiers (the operator's admin)",
            description = "The rate card is global: only the admin of the operator tenant "
                    + "(hartonomous.billing.access.operator-tenant) may change it; a tenant's admin gets 403.")
    @APIResponse(responseCode = "200", description = "The whole rate card after the change")
    @APIResponse(responseCode = "400", description = "Unknown meter, wrong currency or malformed tiers")
    @APIResponse(responseCode = "403", description = "Not the operator's admin")
    public Uni<List<MeterPrices>> put(@PathParam("meter") String meter, TiersRequest request) {
        access.requireOperator(caller.get(), "Changing the global rate card");
        if (request == null) {
            throw HartonomousException.invalid("The body must be {\"currency\", \"tiers\": [{\"upTo\", \"unitPriceMicros\"}]}.");
        }
        Meter m = UsageResource.meter(meter);
        return invoices.setTiers(m, request.currency(), request.tiers()).map(RateCardResource::view);
    }

    static List<MeterPrices> view(InvoiceRepository.RateCard card) {
        return card.tiers().entrySet().stream()
                .map(e -> new MeterPrices(e.getKey().wire(), card.currency().get(e.getKey()), e.getValue())).toList();
    }
}
