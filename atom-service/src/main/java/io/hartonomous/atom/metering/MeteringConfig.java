package io.hartonomous.atom.metering;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code hartonomous.atom.metering.*}; billing's URL is {@code quarkus.rest-client.billing.url}. */
@ConfigMapping(prefix = "hartonomous.atom.metering")
public interface MeteringConfig {

    /** Off only where no billing-service exists (the service's own unit tests). */
    @WithDefault("true")
    boolean enabled();

    /** How long a chunk's reservation lives if its usage never arrives. */
    @WithDefault("15m")
    Duration reservationTtl();

    /** Longest pause between retries while billing is unreachable. */
    @WithDefault("30s")
    Duration maxBackoff();
}
