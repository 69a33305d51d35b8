package io.hartonomous.search.inference;

import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.CurrentCaller;
import io.hartonomous.common.tenancy.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/inference}: run the caller's atomized ONNX models. */
@Path("/api/v1/inference")
@Tag(name = "inference")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class InferenceResource {

    private final InferenceService inference;
    private final CurrentCaller caller;

    public InferenceResource(InferenceService inference, CurrentCaller caller) {
        this.inference = inference;
        this.caller = caller;
    }

    /** {@code model}: the ONNX file's SHA-256; {@code inputs}: tensors by input name. */
    public record Request(String model, Map<String, Tensor> inputs) {
    }

    /** Several models on the same inputs; {@code output} names the output to combine (default: each model's first). */
    public record EnsembleRequest(List<String> models, Map<String, Tensor> inputs, String combine, String output) {
    }

    public record EnsembleResult(String combine, String output, Tensor combined, List<InferenceService.Result> members) {
    }

    @POST
    @Blocking
    @RolesAllowed({Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "Run an atomized ONNX model",
            description = "Rebuilds the model from the caller's atoms by its hash and runs it with ONNX Runtime on float32 or int64 "
                    + "tensors. Outputs are cached for an hour by SHA-256(model hash + input) per tenant; 'cached' says whether "
                    + "this answer came from the cache.")
    @APIResponse(responseCode = "200", description = "The outputs by name")
    @APIResponse(responseCode = "400", description = "Malformed model hash or inputs")
    @APIResponse(responseCode = "404", description = "The caller holds no atom with this hash")
    @APIResponse(responseCode = "422", description = "Not an ONNX model, or it cannot run on these inputs")
    public InferenceService.Result run(Request body) {
        if (body == null) {
            throw HartonomousException.invalid("A JSON body {model, inputs} is required.");
        }
        return inference.run(caller.get().tenantId(), body.model(), body.inputs());
    }

    @POST
    @Path("/ensemble")
    @Blocking
    @RolesAllowed({Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "Run several models and combine them",
            description = "Runs each model on the same inputs and combines one output of each by average, vote (majority of "
                    + "argmax) or rrf (reciprocal rank fusion of the classes, k = 60).")
    @APIResponse(responseCode = "200", description = "The combined output and each model's outputs")
    @APIResponse(responseCode = "400", description = "No models, unknown combine, outputs of different shapes")
    @APIResponse(responseCode = "404", description = "A model is not among the caller's atoms")
    public EnsembleResult ensemble(EnsembleRequest body) {
        if (body == null || body.models() == null || body.models().isEmpty() || body.models().size() > 16) {
            throw HartonomousException.invalid("'models' must list 1 to 16 model hashes.");
        }
        int tenant = caller.get().tenantId();
        List<InferenceService.Result> members = new ArrayList<>();
        List<Tensor> outputs = new ArrayList<>();
        String output = body.output();
        for (String m : body.models()) {
            InferenceService.Result r = inference.run(tenant, m, body.inputs());
            members.add(r);
            String name = output != null ? output : r.outputs().keySet().iterator().next();
            Tensor t = r.outputs().get(name);
            if (t == null) {
                throw HartonomousException.invalid("Model " + m + " has no output '" + name + "'.");
            }
            outputs.add(t);
            output = name;
        }
        String combine = body.combine() == null ? "average" : body.combine();
        return new EnsembleResult(combine, output, Ensemble.combine(combine, outputs), members);
    }
}
