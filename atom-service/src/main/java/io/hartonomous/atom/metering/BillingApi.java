package io.hartonomous.atom.metering;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.List;
import java.util.Map;

/** billing-service's API as atom-service uses it (blocking; called from worker threads only). */
@RegisterRestClient(configKey = "billing")
@Path("/api/v1")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
interface BillingApi {

    @POST
    @Path("/quotas/{meter}/reservations")
    Map<String, Object> reserve(@HeaderParam("Authorization") String authorization, @PathParam("meter") String meter,
                                Map<String, Object> request);

    @DELETE
    @Path("/quotas/{meter}/reservations/{id}")
    void release(@HeaderParam("Authorization") String authorization, @PathParam("meter") String meter,
                 @PathParam("id") String id);

    @POST
    @Path("/usage/batch")
    /** Answers {@code {accepted, duplicate, rejected, results: [{outcome, …}]}}. */
    Map<String, Object> usage(@HeaderParam("Authorization") String authorization, List<Map<String, Object>> events);
}
