package io.hartonomous.billing.invoice;

/** CSV export of a billing document (RFC 4180: CRLF, quoted where needed), one row per line. */
public final class InvoiceCsv {

    static final String HEADER = "invoice_id,tenant,period,kind,corrects_invoice_id,currency,line,meter,quantity,"
            + "amount_micros,description,total_micros,issued_at";

    private InvoiceCsv() {
    }

    public static String render(Invoice i) {
        StringBuilder out = new StringBuilder(HEADER).append("\r\n");
        for (Invoice.Line l : i.lines()) {
            out.append(String.join(",", i.invoiceId().toString(), Integer.toString(i.tenant()), i.period(), i.kind(),
                    i.correctsInvoiceId() == null ? "" : i.correctsInvoiceId().toString(), i.currency(),
                    Integer.toString(l.lineNumber()), quote(l.meter()), Long.toString(l.quantity()),
                    Long.toString(l.amountMicros()), quote(l.description()), Long.toString(i.totalMicros()),
                    i.issuedAt().toString())).append("\r\n");
        }
        return out.toString();
    }

    static String quote(String s) {
        if (s == null) {
            return "";
        }
        boolean needs = s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r");
        String safe = s.startsWith("=") || s.startsWith("+") || s.startsWith("-") || s.startsWith("@") ? "'" + s : s;
        return needs || !safe.equals(s) ? "\"" + safe.replace("\"", "\"\"") + "\"" : s;
    }
}
