package io.hartonomous.common.tenancy;

import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.math.BigDecimal;
import java.util.Set;

/**
 * The {@link Caller} of the current request, read from its verified JWT. Call it only from code
 * behind {@code @RolesAllowed} (authentication has then already happened).
 */
@ApplicationScoped
public class CurrentCaller {

    /** The claim that names the tenant: a positive integer (number or numeric string). */
    public static final String TENANT_CLAIM = "tenant";

    private final JsonWebToken token;

    public CurrentCaller(JsonWebToken token) {
        this.token = token;
    }

    /**
     * @throws HartonomousException {@link ErrorCode#UNAUTHENTICATED} when the token carries no
     *                              valid tenant claim
     */
    public Caller get() {
        if (token == null || token.getRawToken() == null) {
            throw new HartonomousException(ErrorCode.UNAUTHENTICATED, "A bearer token is required.");
        }
        int tenant = parseTenant(token.getClaim(TENANT_CLAIM));
        Set<String> groups = token.getGroups();
        return new Caller(tenant, token.getSubject(), groups == null ? Set.of() : groups);
    }

    static int parseTenant(Object claim) {
        Object value = claim;
        if (value instanceof jakarta.json.JsonNumber n) {
            value = n.isIntegral() ? n.bigDecimalValue() : -1L;
        } else if (value instanceof jakarta.json.JsonString s) {
            value = s.getString();
        }
        long tenant;
        if (value instanceof Number n) {
            tenant = integralValue(n);
        } else if (value instanceof String s && s.matches("\\d{1,10}")) {
            tenant = Long.parseLong(s);
        } else {
            throw new HartonomousException(ErrorCode.UNAUTHENTICATED,
                    "The token has no valid '" + TENANT_CLAIM + "' claim (a positive integer).");
        }
        if (tenant <= 0 || tenant > Integer.MAX_VALUE) {
            throw new HartonomousException(ErrorCode.UNAUTHENTICATED,
                    "The token's '" + TENANT_CLAIM + "' claim must be a positive 32-bit integer.");
        }
        return (int) tenant;
    }

    /** The exact value, or -1 for a fraction, NaN or a value beyond a long ({@code longValue()} would truncate or wrap). */
    private static long integralValue(Number n) {
        try {
            return new BigDecimal(n.toString()).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }
}
