package io.hartonomous.billing.invoice;

import io.hartonomous.billing.access.AdminAccess;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.Caller;
import io.hartonomous.common.tenancy.CurrentCaller;
import io.hartonomous.common.tenancy.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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

import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * {@code /api/v1/invoices}: issue, read and export invoices and credit notes of the caller's tenant.
 * {@code ?tenant=} names another tenant: for reads, a service token or the operator's admin; for
 * issuing, the operator's admin. Credit notes (money back) are issued by the operator's admin only.
 */
@Path("/api/v1/invoices")
@Tag(name = "invoices")
@SecurityRequirement(name = "jwt")
public class InvoiceResource {

    static final String CSV = "text/csv";

    private final InvoiceService invoices;
    private final CurrentCaller caller;
    private final AdminAccess access;

    public InvoiceResource(InvoiceService invoices, CurrentCaller caller, AdminAccess access) {
        this.invoices = invoices;
        this.caller = caller;
        this.access = access;
    }

    public record CreditNoteRequest(Long amountMicros, String reason) {
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Issue the tenant's invoice of a month (admin)",
            description = "From the aggregated usage and the rate card. Once per tenant and period: a second call answers "
                    + "the issued invoice. Issued documents are immutable; corrections are credit notes.")
    @APIResponse(responseCode = "201", description = "Issued now")
    @APIResponse(responseCode = "200", description = "Issued before")
    @APIResponse(responseCode = "400", description = "period is not YYYY-MM or has not started")
    @APIResponse(responseCode = "403", description = "Not admin, or another tenant and not the operator's admin")
    @APIResponse(responseCode = "409", description = "The period has not ended")
    public Uni<Response> issue(@QueryParam("period") String period,
                               @Parameter(description = "The operator's admin only: the tenant to invoice")
                               @QueryParam("tenant") Integer tenant) {
        int tenantId = access.administeredTenant(caller.get(), tenant);
        return invoices.issue(tenantId, period).map(issued -> issued.created()
                ? Response.created(URI.create("/api/v1/invoices/" + issued.invoice().invoiceId())).entity(issued.invoice()).build()
                : Response.ok(issued.invoice()).build());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "The tenant's invoices and credit notes (without lines)")
    @APIResponse(responseCode = "200", description = "In issue order")
    public Uni<List<Invoice>> list(@QueryParam("period") String period, @QueryParam("tenant") Integer tenant) {
        return invoices.list(access.readTenant(caller.get(), tenant), period);
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "One invoice or credit note as JSON (Accept: text/csv for CSV)")
    @APIResponse(responseCode = "200", description = "The document with its lines")
    @APIResponse(responseCode = "404", description = "No such document of this tenant")
    public Uni<Invoice> get(@PathParam("id") UUID id, @QueryParam("tenant") Integer tenant) {
        return invoices.get(access.readTenant(caller.get(), tenant), id);
    }

    @GET
    @Path("/{id}")
    @Produces(CSV)
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "One invoice or credit note as CSV")
    @APIResponse(responseCode = "200", description = "One row per line")
    @APIResponse(responseCode = "404", description = "No such document of this tenant")
    public Uni<Response> csv(@PathParam("id") UUID id, @QueryParam("tenant") Integer tenant) {
        return invoices.get(access.readTenant(caller.get(), tenant), id).map(i -> Response.ok(InvoiceCsv.render(i), CSV)
                .header("Content-Disposition", "attachment; filename=\"" + i.kind() + "-" + i.invoiceId() + ".csv\"").build());
    }

    @POST
    @Path("/{id}/credit-notes")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Correct an invoice with a credit note (the operator's admin)",
            description = "`?tenant=` names the invoice's tenant. The credit notes of an invoice never exceed its total, "
                    + "also when issued concurrently.")
    @APIResponse(responseCode = "201", description = "The credit note (negative total)")
    @APIResponse(responseCode = "403", description = "Not the operator's admin: a tenant cannot credit itself")
    @APIResponse(responseCode = "404", description = "No such invoice of this tenant")
    @APIResponse(responseCode = "409", description = "More than the invoice's uncredited total")
    public Uni<Response> creditNote(@PathParam("id") UUID id, @QueryParam("tenant") Integer tenant,
                                    CreditNoteRequest request) {
        if (request == null || request.amountMicros() == null) {
            throw HartonomousException.invalid("The body must be {\"amountMicros\": <positive integer>, \"reason\": \"…\"}.");
        }
        Caller c = caller.get();
        access.requireOperator(c, "Issuing a credit note");
        int tenantId = access.administeredTenant(c, tenant);
        return invoices.creditNote(tenantId, id, request.amountMicros(), request.reason()).map(note ->
                Response.created(URI.create("/api/v1/invoices/" + note.invoiceId())).entity(note).build());
    }
}
