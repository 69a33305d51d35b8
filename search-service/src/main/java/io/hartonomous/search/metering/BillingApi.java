package io.hartonomous.search.metering;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.List;
import java.util.Map;

/** billing-service's API as search-service uses it (blocking; worker threads only). */
@RegisterRestClient(configKey = "billing")
@Path("/api/v1")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
interface BillingApi {

    /** Answers {@code {accepted, duplicate, rejected, results: [{outcome, …}]}}. */
    @POST
    @Path("/usage/batch")
    Map<String, Object> usage(@HeaderParam("Authorization") String authorization, List<Map<String, Object>> events);
}
