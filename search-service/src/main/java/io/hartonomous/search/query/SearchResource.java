package io.hartonomous.search.query;

import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.CurrentCaller;
import io.hartonomous.common.tenancy.Roles;
import io.hartonomous.search.SearchConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /api/v1/search}: the caller's tenant's units, by BM25, vector, hybrid or spatial retrieval. */
@Path("/api/v1/search")
@Tag(name = "search")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
public class SearchResource {

    private final SearchService search;
    private final CurrentCaller caller;
    private final SearchConfig config;

    public SearchResource(SearchService search, CurrentCaller caller, SearchConfig config) {
        this.search = search;
        this.caller = caller;
        this.config = config;
    }

    @GET
    @Blocking
    @RolesAllowed({Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "Search the caller's atoms",
            description = "Ranks the tenant's documents and their parts (paragraphs, classes, methods) and the surrogate texts of "
                    + "other modalities. Filters apply inside each retriever, before ranking. Hybrid fuses BM25 and vector "
                    + "by Reciprocal Rank Fusion (k = 60) or by min-max normalized scores, with per-retriever weights.")
    @APIResponse(responseCode = "200", description = "Results, best first")
    @APIResponse(responseCode = "400", description = "A parameter is missing or invalid (problem+json names it)")
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "403", description = "The token lacks the search role")
    @APIResponse(responseCode = "503", description = "The embedding model is still loading")
    public SearchResult search(
            @Parameter(description = "the query text", required = true) @QueryParam("q") String q,
            @Parameter(description = "vector | bm25 | hybrid (default) | spatial") @QueryParam("mode") String mode,
            @Parameter(description = "number of results, 1 to 1000 (default 10)") @QueryParam("k") String k,
            @Parameter(description = "only these modalities (comma-separated)") @QueryParam("modality") String modality,
            @Parameter(description = "only these subtypes (comma-separated), e.g. block, method, class, document") @QueryParam("subtype") String subtype,
            @Parameter(description = "only atoms of this concept (ConceptId)") @QueryParam("concept") String concept,
            @Parameter(description = "only units ingested at or after (ISO-8601 instant or date)") @QueryParam("createdFrom") String createdFrom,
            @Parameter(description = "only units ingested before (ISO-8601 instant or date)") @QueryParam("createdTo") String createdTo,
            @Parameter(description = "hybrid fusion: rrf (default) or score") @QueryParam("fusion") String fusion,
            @Parameter(description = "hybrid weight of BM25 (0 to 100)") @QueryParam("wBm25") String wBm25,
            @Parameter(description = "hybrid weight of vector (0 to 100)") @QueryParam("wVector") String wVector,
            @Parameter(description = "true: exact vector KNN instead of the graph") @QueryParam("exact") String exact) {
        SearchParams p = SearchParams.parse(q, mode, k, modality, subtype, concept, createdFrom, createdTo, fusion, wBm25, wVector,
                exact, config.query().maxK(), config.query().maxQueryChars());
        return search.search(caller.get().tenantId(), p);
    }

    /** The body of a cross-modal query. */
    public record CrossModalRequest(String query, Integer k, List<String> modalities) {
    }

    /** Results grouped by modality. */
    public record CrossModalResult(String query, Map<String, List<SearchResult.Item>> groups) {
    }

    @POST
    @Path("/cross-modal")
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "One query across modalities",
            description = "Hybrid search run once per modality the tenant holds (text, code, image and audio by their surrogate "
                    + "texts, models by name and layers), results grouped by modality.")
    @APIResponse(responseCode = "200", description = "Results per modality, best first")
    @APIResponse(responseCode = "400", description = "Missing or invalid query, k or modality")
    public CrossModalResult crossModal(CrossModalRequest body) {
        if (body == null) {
            throw HartonomousException.invalid("A JSON body {query, k, modalities} is required.");
        }
        SearchParams p = SearchParams.parse(body.query(), "hybrid", body.k() == null ? null : body.k().toString(),
                body.modalities() == null ? null : String.join(",", body.modalities()), null, null, null, null, null, null, null,
                null, config.query().maxK(), config.query().maxQueryChars());
        Set<String> modalities = p.modalities() == null ? null : new LinkedHashSet<>(p.modalities());
        return new CrossModalResult(p.q(), search.crossModal(caller.get().tenantId(), p.q(), p.k(), modalities));
    }
}
