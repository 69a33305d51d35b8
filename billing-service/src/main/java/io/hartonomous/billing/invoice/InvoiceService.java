package io.hartonomous.billing.invoice;

import io.hartonomous.billing.meter.Meter;
import io.hartonomous.billing.tx.Transactions;
import io.hartonomous.billing.usage.UsageRepository;
import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Issues invoices and credit notes from the day buckets and the rate card. */
@ApplicationScoped
public class InvoiceService {

    private final Transactions tx;
    private final InvoiceRepository invoices;
    private final UsageRepository usage;
    private final InvoiceConfig config;

    public InvoiceService(Transactions tx, InvoiceRepository invoices, UsageRepository usage, InvoiceConfig config) {
        this.tx = tx;
        this.invoices = invoices;
        this.usage = usage;
        this.config = config;
    }

    /** An issued document and whether this call issued it (false: it existed). */
    public record Issued(Invoice invoice, boolean created) {
    }

    /**
     * The tenant's invoice of {@code period} (YYYY-MM, UTC months), issued now if there is none.
     * Idempotent: a second call answers the invoice the first issued.
     */
    public Uni<Issued> issue(int tenantId, String period) {
        YearMonth month = period(period);
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        if (month.isAfter(now)) {
            throw HartonomousException.invalid("The period " + period + " has not started.");
        }
        if (!month.isBefore(now) && !config.allowOpenPeriod()) {
            throw new HartonomousException(ErrorCode.CONFLICT, "The period " + period
                    + " has not ended; invoices are issued for closed months.");
        }
        LocalDateTime from = month.atDay(1).atStartOfDay();
        LocalDateTime to = month.plusMonths(1).atDay(1).atStartOfDay();
        // the unique index (TenantId, Period) of invoices makes a concurrent second issue fail and retry into "existing"
        return tx.run("issue an invoice", conn -> invoices.findPeriodInvoice(conn, tenantId, month.toString())
                .chain(existing -> existing.isPresent()
                        ? Uni.createFrom().item(new Issued(existing.get(), false))
                        : usage.periodTotals(conn, tenantId, from, to).chain(totals -> invoices.rateCard(conn)
                        .chain(card -> {
                            Invoice invoice = build(tenantId, month.toString(), totals, card);
                            return invoices.insert(conn, invoice).replaceWith(new Issued(invoice, true));
                        }))));
    }

    Invoice build(int tenantId, String period, Map<Meter, Long> totals, InvoiceRepository.RateCard card) {
        List<Invoice.Line> lines = new ArrayList<>();
        long total = 0;
        for (Meter m : Meter.values()) {
            long quantity = totals.getOrDefault(m, 0L);
            if (quantity == 0) {
                continue;
            }
            String currency = card.currency().getOrDefault(m, config.currency());
            if (!currency.equals(config.currency())) {
                throw new HartonomousException(ErrorCode.INTERNAL, "The rate card of " + m.wire() + " is in " + currency
                        + ", invoices in " + config.currency() + ".");
            }
            long amount = Pricing.price(card.tiers().getOrDefault(m, List.of(new Tier(null, 0))), quantity);
            lines.add(new Invoice.Line(lines.size() + 1, m.wire(), quantity, amount, m.wire() + " " + period));
            total = Math.addExact(total, amount);
        }
        return new Invoice(UUID.randomUUID(), tenantId, period, Invoice.INVOICE, null, config.currency(), total, null,
                Instant.now().truncatedTo(ChronoUnit.MICROS), lines);
    }

    /**
     * Issues a credit note of {@code amountMicros} against the tenant's invoice. The credit notes of
     * an invoice never exceed its total (409), also when issued concurrently: they serialize on the
     * tenant's credit-note lock.
     */
    public Uni<Invoice> creditNote(int tenantId, UUID invoiceId, long amountMicros, String reason) {
        if (amountMicros <= 0) {
            throw HartonomousException.invalid("amountMicros must be a positive integer.");
        }
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw HartonomousException.invalid("reason must be 1 to 500 characters.");
        }
        // concurrent credit notes would each see the same credited sum and together pass the total
        return tx.run("issue a credit note", conn -> invoices.lockCredits(conn, tenantId)
                .chain(() -> invoices.find(conn, tenantId, invoiceId)).chain(found -> {
            Invoice invoice = found.orElseThrow(() -> HartonomousException.notFound("No invoice " + invoiceId + "."));
            if (!Invoice.INVOICE.equals(invoice.kind())) {
                throw HartonomousException.invalid("Only an invoice can be corrected by a credit note.");
            }
            return invoices.credited(conn, tenantId, invoiceId).chain(credited -> {
                long open = invoice.totalMicros() + credited;
                if (amountMicros > open) {
                    throw new HartonomousException(ErrorCode.CONFLICT, "Credit notes of an invoice never exceed its total: "
                            + "invoice " + invoiceId + " has " + open + " of " + invoice.totalMicros()
                            + " micros left to credit; " + amountMicros + " is more.");
                }
                Invoice note = new Invoice(UUID.randomUUID(), tenantId, invoice.period(), Invoice.CREDIT_NOTE, invoiceId,
                        invoice.currency(), -amountMicros, reason, Instant.now().truncatedTo(ChronoUnit.MICROS),
                        List.of(new Invoice.Line(1, "credit", 1, -amountMicros, reason)));
                return invoices.insert(conn, note).replaceWith(note);
            });
        }));
    }

    public Uni<Invoice> get(int tenantId, UUID id) {
        return tx.run("read an invoice", conn -> invoices.find(conn, tenantId, id))
                .map(found -> found.orElseThrow(() -> HartonomousException.notFound("No invoice " + id + ".")));
    }

    public Uni<List<Invoice>> list(int tenantId, String period) {
        String p = period == null ? null : period(period).toString();
        return tx.run("list invoices", conn -> invoices.list(conn, tenantId, p));
    }

    public Uni<InvoiceRepository.RateCard> rateCard() {
        return tx.run("read the rate card", invoices::rateCard);
    }

    public Uni<InvoiceRepository.RateCard> setTiers(Meter meter, String currency, List<Tier> tiers) {
        Pricing.validate(tiers);
        if (!config.currency().equals(currency)) {
            throw HartonomousException.invalid("currency must be " + config.currency() + ", the currency of invoices.");
        }
        return tx.run("set the rate card", conn -> invoices.replaceTiers(conn, meter, tiers, currency)
                .chain(() -> invoices.rateCard(conn)));
    }

    static YearMonth period(String text) {
        try {
            if (text == null || !text.matches("\\d{4}-\\d{2}")) {
                throw new DateTimeParseException("bad", String.valueOf(text), 0);
            }
            return YearMonth.parse(text);
        } catch (DateTimeParseException e) {
            throw HartonomousException.invalid("period must be a month as YYYY-MM, e.g. 2026-03.");
        }
    }
}
