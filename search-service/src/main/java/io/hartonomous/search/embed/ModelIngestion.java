package io.hartonomous.search.embed;

import io.hartonomous.common.auth.ServiceTokens;
import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The facade over {@link AtomApi}: ingests a model file as atoms of the system tenant (without
 * per-weight coefficient rows) and waits for the job. Blocking; worker threads only.
 */
@ApplicationScoped
public class ModelIngestion {

    private final AtomApi atoms;
    private final ServiceTokens tokens;

    public ModelIngestion(@RestClient AtomApi atoms, ServiceTokens tokens) {
        this.atoms = atoms;
        this.tokens = tokens;
    }

    /**
     * Ingests {@code bytes} as {@code name} for {@code tenant}; returns when the job completed.
     *
     * @throws HartonomousException {@link ErrorCode#DEPENDENCY_UNAVAILABLE} when atom-service cannot be reached or the job fails
     */
    @Timeout(value = 10, unit = ChronoUnit.MINUTES)
    @Retry(maxRetries = 2, delay = 1000)
    public void ingest(int tenant, String name, byte[] bytes) {
        String bearer = "Bearer " + tokens.token(tenant);
        try {
            Map<String, Object> job = atoms.ingest(bearer, name, true, false, bytes);
            String id = String.valueOf(job.get("jobId"));
            for (int i = 0; i < 6000 && !"Completed".equals(job.get("status")); i++) {
                Object status = job.get("status");
                if ("Failed".equals(status) || "QuotaExceeded".equals(status)) {
                    throw new HartonomousException(ErrorCode.DEPENDENCY_UNAVAILABLE,
                            "atom-service could not store the embedding model: " + status);
                }
                Thread.sleep(100);
                job = atoms.job(bearer, id);
            }
        } catch (WebApplicationException e) {
            throw new HartonomousException(ErrorCode.DEPENDENCY_UNAVAILABLE, "atom-service refused the embedding model (HTTP "
                    + (e.getResponse() == null ? 0 : e.getResponse().getStatus()) + ").", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HartonomousException(ErrorCode.DEPENDENCY_UNAVAILABLE, "interrupted while storing the embedding model", e);
        } catch (jakarta.ws.rs.ProcessingException e) {
            throw new HartonomousException(ErrorCode.DEPENDENCY_UNAVAILABLE, "atom-service is unreachable.", e);
        }
    }
}
