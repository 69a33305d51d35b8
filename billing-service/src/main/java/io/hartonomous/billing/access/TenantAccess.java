package io.hartonomous.billing.access;

import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.Caller;
import io.hartonomous.common.tenancy.Roles;

/** Resolves the tenant a request acts for. */
public final class TenantAccess {

    private TenantAccess() {
    }

    /**
     * The caller's own tenant when {@code requested} is null or the same; {@code requested} when
     * the caller holds the {@code service} role.
     *
     * @throws HartonomousException {@link ErrorCode#FORBIDDEN} when another token names a foreign
     *                              tenant, {@link ErrorCode#INVALID_REQUEST} for a non-positive id
     */
    public static int actingTenant(Caller caller, Integer requested) {
        if (requested == null || requested == caller.tenantId()) {
            return caller.tenantId();
        }
        if (!caller.hasRole(Roles.SERVICE)) {
            throw new HartonomousException(ErrorCode.FORBIDDEN,
                    "Only a service token may act for another tenant than its own.");
        }
        if (requested <= 0) {
            throw HartonomousException.invalid("tenant must be a positive integer, not " + requested + ".");
        }
        return requested;
    }
}
