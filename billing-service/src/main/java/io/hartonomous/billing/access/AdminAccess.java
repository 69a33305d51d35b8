package io.hartonomous.billing.access;

import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.Caller;
import io.hartonomous.common.tenancy.Roles;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The rules of administration (callers already hold the {@code admin} role by {@code @RolesAllowed}):
 * a tenant's admin administers its own tenant only; the operator's admin (the admin of
 * {@link AccessConfig#operatorTenant()}) administers every tenant and the global rate card. A
 * {@code service} token may read for a tenant (as {@link TenantAccess}) but never administers.
 */
@ApplicationScoped
public class AdminAccess {

    private final AccessConfig config;

    public AdminAccess(AccessConfig config) {
        this.config = config;
    }

    /** Whether the caller is the operator's admin. */
    public boolean isOperator(Caller caller) {
        return config.operatorTenant() > 0 && caller.tenantId() == config.operatorTenant() && caller.hasRole(Roles.ADMIN);
    }

    /**
     * The tenant an admin operation acts on: the caller's own when {@code requested} is null or the
     * same, {@code requested} for the operator's admin.
     *
     * @throws HartonomousException {@link ErrorCode#FORBIDDEN} for any other caller naming another tenant
     */
    public int administeredTenant(Caller caller, Integer requested) {
        if (requested == null || requested == caller.tenantId()) {
            return caller.tenantId();
        }
        if (!isOperator(caller)) {
            throw new HartonomousException(ErrorCode.FORBIDDEN,
                    "A tenant's admin administers its own tenant only; another tenant needs the operator's admin.");
        }
        return positive(requested);
    }

    /**
     * The tenant a read acts on: as {@link TenantAccess#actingTenant}, and also any tenant for the
     * operator's admin.
     */
    public int readTenant(Caller caller, Integer requested) {
        if (requested != null && requested != caller.tenantId() && isOperator(caller)) {
            return positive(requested);
        }
        return TenantAccess.actingTenant(caller, requested);
    }

    /**
     * @throws HartonomousException {@link ErrorCode#FORBIDDEN} unless the caller is the operator's
     *                              admin; {@code what} names the operation for the message
     */
    public void requireOperator(Caller caller, String what) {
        if (!isOperator(caller)) {
            throw new HartonomousException(ErrorCode.FORBIDDEN, what + " is reserved to the operator's admin "
                    + "(the admin of the tenant named by hartonomous.billing.access.operator-tenant).");
        }
    }

    private static int positive(int tenant) {
        if (tenant <= 0) {
            throw HartonomousException.invalid("tenant must be a positive integer, not " + tenant + ".");
        }
        return tenant;
    }
}
