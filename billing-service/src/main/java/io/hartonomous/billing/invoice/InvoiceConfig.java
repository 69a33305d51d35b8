package io.hartonomous.billing.invoice;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code hartonomous.billing.invoice.*}. */
@ConfigMapping(prefix = "hartonomous.billing.invoice")
public interface InvoiceConfig {

    /** The currency of the rate card and of every invoice (ISO 4217). */
    @WithDefault("USD")
    String currency();

    /**
     * Whether an invoice may be issued for the running month (covering usage up to the moment of
     * issue). Off in production: late events would be left out of an immutable invoice.
     */
    @WithDefault("false")
    boolean allowOpenPeriod();
}
