package io.hartonomous.billing.invoice;

/** A price tier: units up to {@code upTo} (cumulative, null = unbounded) cost {@code unitPriceMicros} each. */
public record Tier(Long upTo, long unitPriceMicros) {
}
