package io.hartonomous.atom.metering;

import io.hartonomous.common.auth.ServiceTokens;
import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The facade over {@link BillingApi}: timeouts, retries and a circuit breaker; a 429 becomes
 * {@link ErrorCode#QUOTA_EXCEEDED} (never retried), anything that means "billing is not there"
 * becomes {@link ErrorCode#DEPENDENCY_UNAVAILABLE} for the caller to wait on.
 */
@ApplicationScoped
public class Metering {

    public static final String ATOMS = "atoms_stored";

    private final BillingApi billing;
    private final ServiceTokens tokens;
    private final MeteringConfig config;

    public Metering(@RestClient BillingApi billing, ServiceTokens tokens, MeteringConfig config) {
        this.billing = billing;
        this.tokens = tokens;
        this.config = config;
    }

    public boolean enabled() {
        return config.enabled();
    }

    public MeteringConfig config() {
        return config;
    }

    /** Reserves {@code amount} atoms of the tenant's quota; returns the reservation id. */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200, abortOn = HartonomousException.class)
    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.75, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = HartonomousException.class)
    public String reserve(int tenant, long amount) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("amount", amount);
        request.put("tenant", tenant);
        request.put("ttlSeconds", config.reservationTtl().toSeconds());
        try {
            Map<String, Object> reservation = billing.reserve(bearer(tenant), ATOMS, request);
            return String.valueOf(reservation.get("reservationId"));
        } catch (WebApplicationException e) {
            throw translate(e, "reserve atoms");
        }
    }

    /** Sends usage events (idempotent by key); returns when billing has answered for each. */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200, abortOn = HartonomousException.class)
    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.75, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = HartonomousException.class)
    public List<Map<String, Object>> report(int tenant, List<Map<String, Object>> events) {
        try {
            Object results = billing.usage(bearer(tenant), events).get("results");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> outcomes = results instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
            return outcomes;
        } catch (WebApplicationException e) {
            throw translate(e, "report usage");
        }
    }

    private String bearer(int tenant) {
        return "Bearer " + tokens.token(tenant);
    }

    private static HartonomousException translate(WebApplicationException e, String what) {
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatus();
        if (status == 429) {
            return new HartonomousException(ErrorCode.QUOTA_EXCEEDED, "The tenant's atom quota does not allow this ingestion.",
                    e);
        }
        if (status >= 500 || status == 0) {
            return new HartonomousException(ErrorCode.DEPENDENCY_UNAVAILABLE, "billing-service failed to " + what + ".", e);
        }
        return new HartonomousException(ErrorCode.INTERNAL, "billing-service refused to " + what + " (HTTP " + status + ").", e);
    }
}
