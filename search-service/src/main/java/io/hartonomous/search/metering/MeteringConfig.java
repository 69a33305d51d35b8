package io.hartonomous.search.metering;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code hartonomous.search.metering.*}; billing's URL is {@code quarkus.rest-client.billing.url}. */
@ConfigMapping(prefix = "hartonomous.search.metering")
public interface MeteringConfig {

    /** Off only where no billing-service exists (the service's own unit tests). */
    @WithDefault("true")
    boolean enabled();

    /** Events queued in memory while the database is unreachable; beyond it the oldest are dropped (and counted). */
    @WithDefault("100000")
    int maxPending();
}
