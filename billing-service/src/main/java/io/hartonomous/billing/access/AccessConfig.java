package io.hartonomous.billing.access;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code hartonomous.billing.access.*}: who may administer billing across tenants. */
@ConfigMapping(prefix = "hartonomous.billing.access")
public interface AccessConfig {

    /**
     * The operator's tenant: an {@code admin} token of this tenant may change the global rate card,
     * administer every tenant's quotas and invoices, and issue credit notes. 0 (the default; tenant
     * ids are positive) means no operator: nobody can change the rate card or act across tenants.
     */
    @WithDefault("0")
    int operatorTenant();
}
