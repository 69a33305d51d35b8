package io.hartonomous.atom.notify;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.Map;

/** search-service's API as atom-service uses it (blocking; called from its own thread only). */
@RegisterRestClient(configKey = "search")
@Path("/api/v1/embeddings")
@Consumes(MediaType.APPLICATION_JSON)
interface SearchApi {

    /** {@code {tenant, rootHash}}: new content to embed; answers 202. */
    @POST
    @Path("/notify")
    void notify(@HeaderParam("Authorization") String authorization, Map<String, Object> body);
}
