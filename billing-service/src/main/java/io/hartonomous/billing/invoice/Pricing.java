package io.hartonomous.billing.invoice;

import io.hartonomous.common.error.HartonomousException;

import java.util.List;

/** Graduated tier pricing: each unit is priced by the tier its position falls in. Pure. */
public final class Pricing {

    private Pricing() {
    }

    /**
     * The price in micro-units of {@code quantity} units under {@code tiers} (ordered, ascending
     * {@code upTo}, the last unbounded).
     *
     * @throws ArithmeticException when the amount overflows a long
     */
    public static long price(List<Tier> tiers, long quantity) {
        long amount = 0;
        long below = 0;
        for (Tier t : tiers) {
            if (quantity <= below) {
                break;
            }
            long top = t.upTo() == null ? quantity : Math.min(quantity, t.upTo());
            amount = Math.addExact(amount, Math.multiplyExact(top - below, t.unitPriceMicros()));
            below = top;
        }
        return amount;
    }

    /**
     * @throws HartonomousException (400) unless the tiers are non-empty, ascending, priced
     *                              non-negatively and end with an unbounded tier
     */
    public static void validate(List<Tier> tiers) {
        if (tiers == null || tiers.isEmpty()) {
            throw HartonomousException.invalid("tiers must name at least one tier.");
        }
        long previous = 0;
        for (int i = 0; i < tiers.size(); i++) {
            Tier t = tiers.get(i);
            boolean last = i == tiers.size() - 1;
            if (t.unitPriceMicros() < 0) {
                throw HartonomousException.invalid("unitPriceMicros must not be negative.");
            }
            if (last != (t.upTo() == null)) {
                throw HartonomousException.invalid("Only the last tier, and it always, is unbounded (upTo null).");
            }
            if (!last) {
                if (t.upTo() <= previous) {
                    throw HartonomousException.invalid("upTo must ascend and be positive.");
                }
                previous = t.upTo();
            }
        }
    }
}
