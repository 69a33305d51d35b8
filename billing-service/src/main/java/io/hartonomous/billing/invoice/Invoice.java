package io.hartonomous.billing.invoice;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An issued billing document: kind {@code invoice} (one per tenant and period) or
 * {@code credit_note} (negative total, {@code correctsInvoiceId} set). Never changed once issued.
 */
public record Invoice(UUID invoiceId, int tenant, String period, String kind, UUID correctsInvoiceId, String currency,
                      long totalMicros, String reason, Instant issuedAt, List<Line> lines) {

    public static final String INVOICE = "invoice";
    public static final String CREDIT_NOTE = "credit_note";

    public record Line(int lineNumber, String meter, long quantity, long amountMicros, String description) {
    }
}
