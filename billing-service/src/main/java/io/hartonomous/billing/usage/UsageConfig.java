package io.hartonomous.billing.usage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code hartonomous.billing.usage.*}: what events are accepted. */
@ConfigMapping(prefix = "hartonomous.billing.usage")
public interface UsageConfig {

    /** How old an event's timestamp may be. */
    @WithDefault("P7D")
    Duration window();

    /** How far in the future an event's timestamp may be (clock skew of the sender). */
    @WithDefault("PT5M")
    Duration futureSkew();

    /** Events per batch request. */
    @WithDefault("1000")
    int maxBatch();

    /** Attempts of a batch transaction that fails with a serialization failure or deadlock. */
    @WithDefault("8")
    int transactionAttempts();
}
