package io.hartonomous.billing.invoice;

import io.hartonomous.common.error.HartonomousException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PricingTest {

    private static final List<Tier> GRADUATED = List.of(new Tier(1000L, 0), new Tier(5000L, 100), new Tier(null, 10));

    @Test
    void pricesEachUnitByTheTierItFallsIn() {
        assertThat(Pricing.price(GRADUATED, 0)).isZero();
        assertThat(Pricing.price(GRADUATED, 1000)).isZero();
        assertThat(Pricing.price(GRADUATED, 1002)).isEqualTo(200);
        assertThat(Pricing.price(GRADUATED, 6000)).isEqualTo(4000 * 100 + 1000 * 10);
    }

    @Test
    void overflowFailsInsteadOfWrapping() {
        assertThatThrownBy(() -> Pricing.price(List.of(new Tier(null, Long.MAX_VALUE)), 2))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void acceptsOnlyAscendingTiersEndingUnbounded() {
        Pricing.validate(GRADUATED);
        assertThatThrownBy(() -> Pricing.validate(List.of(new Tier(10L, 1)))).isInstanceOf(HartonomousException.class);
        assertThatThrownBy(() -> Pricing.validate(List.of(new Tier(10L, 1), new Tier(5L, 1), new Tier(null, 1))))
                .isInstanceOf(HartonomousException.class);
        assertThatThrownBy(() -> Pricing.validate(List.of(new Tier(null, -1)))).isInstanceOf(HartonomousException.class);
        assertThatThrownBy(() -> Pricing.validate(List.of())).isInstanceOf(HartonomousException.class);
    }

    @Test
    void csvQuotesSeparatorsAndDefusesFormulas() {
        assertThat(InvoiceCsv.quote("plain")).isEqualTo("plain");
        assertThat(InvoiceCsv.quote("a, \"b\"")).isEqualTo("\"a, \"\"b\"\"\"");
        assertThat(InvoiceCsv.quote("=SUM(A1)")).isEqualTo("\"'=SUM(A1)\"");
    }
}
