package io.hartonomous.billing.quota;

/** A quota as the API shows it; {@code defaultLimit} tells whether the configured default applies. */
public record QuotaView(String meter, long limit, long used, long reserved, long remaining, boolean defaultLimit) {

    public static QuotaView of(QuotaState s) {
        return new QuotaView(s.meter().wire(), s.limit(), s.used(), s.reserved(), s.remaining(), s.explicitLimit() == null);
    }
}
