package io.hartonomous.search.embed;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.Map;

/** atom-service's ingestion API as search-service uses it: to store the embedding model as atoms. */
@RegisterRestClient(configKey = "atom")
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
interface AtomApi {

    @POST
    @Path("/ingest")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    Map<String, Object> ingest(@HeaderParam("Authorization") String authorization, @QueryParam("name") String name,
                               @QueryParam("wait") boolean wait, @QueryParam("coefficients") boolean coefficients, byte[] body);

    @GET
    @Path("/jobs/{id}")
    Map<String, Object> job(@HeaderParam("Authorization") String authorization, @PathParam("id") String id);
}
