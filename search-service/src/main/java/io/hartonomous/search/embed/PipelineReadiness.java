package io.hartonomous.search.embed;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the embedding model is loaded and the indexes are rebuilt from the database. Never blocks. */
@Readiness
@ApplicationScoped
public class PipelineReadiness implements HealthCheck {

    private final EmbeddingPipeline pipeline;

    public PipelineReadiness(EmbeddingPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public HealthCheckResponse call() {
        var b = HealthCheckResponse.named("search-indexes").status(pipeline.started());
        if (pipeline.startupFailure() != null) {
            b.withData("failure", pipeline.startupFailure());
        }
        return b.build();
    }
}
