package io.hartonomous.common.tenancy;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** {@code GET /api/v1/whoami}: served identically by every service of the suite. */
@Path("/api/v1/whoami")
@Tag(name = "identity")
@SecurityRequirement(name = "jwt")
public class WhoamiResource {

    private final CurrentCaller caller;
    private final String service;

    public WhoamiResource(CurrentCaller caller, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.caller = caller;
        this.service = service;
    }

    /** The caller's identity as this service sees it. */
    public record Whoami(int tenant, String subject, List<String> roles, String service) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "The caller's tenant and roles", description = "Answers from the verified bearer token.")
    @APIResponse(responseCode = "200", description = "The caller's identity")
    @APIResponse(responseCode = "401", description = "No token, or a token not signed by a trusted key")
    @APIResponse(responseCode = "403", description = "The token carries none of the suite's roles")
    public Whoami whoami() {
        Caller c = caller.get();
        return new Whoami(c.tenantId(), c.subject(), c.roles().stream().sorted().toList(), service);
    }
}
