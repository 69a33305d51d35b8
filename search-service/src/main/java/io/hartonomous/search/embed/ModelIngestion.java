package io.hartonomous.search.embed;

import io.hartonomous.common.auth.JwtSigner;
import io.hartonomous.common.auth.PemKeys;
import io.hartonomous.common.tenancy.Roles;
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
 *
 * <p>atom-service's ingest endpoint takes the {@code ingest} role (not {@code service}), so the
 * token for this one call carries both, for the system tenant only, signed with the suite's
 * service key ({@code hartonomous.service-token.private-key[-location]}).
 */
@ApplicationScoped
public class ModelIngestion {

    private final AtomApi atoms;
    private final java.util.Optional<String> pem;
    private final java.util.Optional<String> location;
    private final String issuer;

    public ModelIngestion(@RestClient AtomApi atoms,
                          @org.eclipse.microprofile.config.inject.ConfigProperty(name = "hartonomous.service-token.private-key")
                          java.util.Optional<String> pem,
                          @org.eclipse.microprofile.config.inject.ConfigProperty(name = "hartonomous.service-token.private-key-location")
                          java.util.Optional<String> location,
                          @org.eclipse.microprofile.config.inject.ConfigProperty(name = "mp.jwt.verify.issuer", defaultValue = "hartonomous")
                          String issuer) {
        this.atoms = atoms;
        this.pem = pem;
        this.location = location;
        this.issuer = issuer;
    }

    private String token(int tenant) {
        String key;
        try {
            key = pem.isPresent() ? pem.get() : java.nio.file.Files.readString(java.nio.file.Path.of(location.orElseThrow(() ->
                    new HartonomousException(ErrorCode.DEPENDENCY_UNAVAILABLE, "No service signing key is configured "
                            + "(hartonomous.service-token.private-key[-location]) to store the embedding model."))));
        } catch (java.io.IOException e) {
            throw new HartonomousException(ErrorCode.DEPENDENCY_UNAVAILABLE, "Cannot read the service signing key.", e);
        }
        return new JwtSigner(PemKeys.privateKey(key), issuer).sign(tenant, "search-service",
                java.util.List.of(Roles.SERVICE, Roles.INGEST), java.time.Duration.ofMinutes(30));
    }

    /**
     * Ingests {@code bytes} as {@code name} for {@code tenant}; returns when the job completed.
     *
     * @throws HartonomousException {@link ErrorCode#DEPENDENCY_UNAVAILABLE} when atom-service cannot be reached or the job fails
     */
    @Timeout(value = 10, unit = ChronoUnit.MINUTES)
    @Retry(maxRetries = 2, delay = 1000)
    public void ingest(int tenant, String name, byte[] bytes) {
        String bearer = "Bearer " + token(tenant);
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
