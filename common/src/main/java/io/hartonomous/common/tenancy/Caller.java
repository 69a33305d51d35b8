package io.hartonomous.common.tenancy;

import java.util.Set;

/**
 * Who is calling: the tenant every query of the request is scoped to, the token's subject and
 * its roles. The tenant comes only from the signed token, never from a request parameter.
 */
public record Caller(int tenantId, String subject, Set<String> roles) {

    public Caller {
        if (tenantId <= 0) {
            throw new IllegalArgumentException("tenant ids are positive, not " + tenantId);
        }
        roles = Set.copyOf(roles);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
