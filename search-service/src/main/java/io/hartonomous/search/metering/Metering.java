package io.hartonomous.search.metering;

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
import java.util.List;
import java.util.Map;

/**
 * The facade over {@link BillingApi}: timeout, retries and a circuit breaker. Anything that means
 * "billing is not there" becomes {@link ErrorCode#DEPENDENCY_UNAVAILABLE}; the caller
 * ({@link Usage}) keeps the events and sends them again (billing deduplicates by idempotency key).
 */
@ApplicationScoped
public class Metering {

    private final BillingApi billing;
    private final ServiceTokens tokens;

    public Metering(@RestClient BillingApi billing, ServiceTokens tokens) {
        this.billing = billing;
        this.tokens = tokens;
    }

    /** Sends one tenant's usage events; returns when billing has answered for each. */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200, abortOn = HartonomousException.class)
    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.75, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = HartonomousException.class)
    public void report(int tenant, List<Map<String, Object>> events) {
        try {
            billing.usage("Bearer " + tokens.token(tenant), events);
        } catch (WebApplicationException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatus();
            throw new HartonomousException(ErrorCode.DEPENDENCY_UNAVAILABLE, "billing-service failed to take usage (HTTP "
                    + status + ").", e);
        } catch (jakarta.ws.rs.ProcessingException e) {
            throw new HartonomousException(ErrorCode.DEPENDENCY_UNAVAILABLE, "billing-service is unreachable.", e);
        }
    }
}
