package io.hartonomous.billing;

import io.hartonomous.billing.invoice.InvoiceConfig;
import io.hartonomous.billing.meter.Aggregation;
import io.hartonomous.billing.meter.Meter;
import io.hartonomous.billing.quota.QuotaConfig;
import io.hartonomous.billing.usage.UsageConfig;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The defaults of every billing @ConfigMapping, read without any configuration source. */
class BillingConfigDefaultsTest {

    private final SmallRyeConfig config = new SmallRyeConfigBuilder()
            .withMapping(UsageConfig.class).withMapping(QuotaConfig.class).withMapping(InvoiceConfig.class).build();

    @Test
    void usageDefaults() {
        UsageConfig usage = config.getConfigMapping(UsageConfig.class);
        assertThat(usage.window()).isEqualTo(Duration.ofDays(7));
        assertThat(usage.futureSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(usage.maxBatch()).isEqualTo(1000);
        assertThat(usage.transactionAttempts()).isEqualTo(8);
    }

    @Test
    void quotaDefaultsFollowTheReference() {
        QuotaConfig quota = config.getConfigMapping(QuotaConfig.class);
        assertThat(quota.defaultLimit(Meter.ATOMS_STORED)).isEqualTo(5_000_000_000L);
        for (Meter m : Meter.values()) {
            if (m.aggregation() == Aggregation.SUM || m.aggregation() == Aggregation.COUNT) {
                assertThat(quota.defaultLimit(m)).isGreaterThanOrEqualTo(1_000_000_000L);
            }
        }
        assertThat(quota.defaultLimit(Meter.PEAK_CONCURRENT_JOBS)).as("a ceiling per value").isEqualTo(1000);
        assertThat(quota.defaultLimit(Meter.MODELS_USED)).as("subject-days").isEqualTo(1_000_000);
        assertThat(quota.reservationTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(quota.maxReservationTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(quota.sweepInterval()).isEqualTo("10s");
    }

    @Test
    void invoiceDefaults() {
        InvoiceConfig invoice = config.getConfigMapping(InvoiceConfig.class);
        assertThat(invoice.currency()).isEqualTo("USD");
        assertThat(invoice.allowOpenPeriod()).isFalse();
    }
}
