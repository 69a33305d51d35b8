package io.hartonomous.billing.invoice;

import io.hartonomous.billing.meter.Meter;
import io.hartonomous.common.db.BulkInsert;
import io.hartonomous.common.db.Column;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.SqlType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code dbo.BillingInvoice}, {@code dbo.BillingInvoiceLine} (tenant-scoped, insert-only: triggers
 * refuse UPDATE and DELETE) and the global rate card {@code dbo.BillingRateTier}.
 */
@ApplicationScoped
public class InvoiceRepository {

    private static final String HEADER_COLUMNS =
            "InvoiceId, TenantId, Period, Kind, CorrectsInvoiceId, Currency, TotalMicros, Reason, IssuedAt";
    private static final String INSERT_HEADER = "INSERT INTO dbo.BillingInvoice (" + HEADER_COLUMNS + " ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND = "SELECT " + HEADER_COLUMNS + " FROM dbo.BillingInvoice WHERE TenantId = ? AND InvoiceId = ?";
    private static final String FIND_PERIOD_INVOICE = "SELECT " + HEADER_COLUMNS + " FROM dbo.BillingInvoice WHERE TenantId = ? AND Period = ? AND Kind = 'invoice'";
    private static final String LIST = "SELECT " + HEADER_COLUMNS + " FROM dbo.BillingInvoice WHERE TenantId = ? AND (CAST(? AS VARCHAR(7)) IS NULL OR Period = ?) ORDER BY IssuedAt, InvoiceId";
    private static final String LINES = """
            SELECT LineNumber, Meter, Quantity, AmountMicros, Description FROM dbo.BillingInvoiceLine
            WHERE TenantId = ? AND InvoiceId = ? ORDER BY LineNumber""";
    private static final String CREDITED = """
            SELECT COALESCE(SUM(TotalMicros), 0) FROM dbo.BillingInvoice
            WHERE TenantId = ? AND CorrectsInvoiceId = ? AND Kind = 'credit_note'""";
    private static final String RATE_CARD = """
            SELECT Meter, TierIndex, UpTo, UnitPriceMicros, Currency FROM dbo.BillingRateTier ORDER BY Meter, TierIndex""";
    private static final String DELETE_TIERS = "DELETE FROM dbo.BillingRateTier WHERE Meter = ?";

    /** Names the lock that serializes a tenant's credit notes ("BILL"). */
    static final int CREDIT_LOCK_NAMESPACE = 0x42494c4c;

    private final String lockCredits;
    private final String insertHeader;
    private final String find;
    private final String findPeriodInvoice;
    private final String list;
    private final String lines;
    private final String credited;
    private final String rateCard;
    private final String deleteTiers;
    private final BulkInsert insertLines;
    private final BulkInsert insertTiers;

    public InvoiceRepository(Database database) {
        SqlDialect d = database.dialect();
        this.lockCredits = d.transactionLock(CREDIT_LOCK_NAMESPACE, true);
        this.insertHeader = d.render(INSERT_HEADER);
        this.find = d.render(FIND);
        this.findPeriodInvoice = d.render(FIND_PERIOD_INVOICE);
        this.list = d.render(LIST);
        this.lines = d.render(LINES);
        this.credited = d.render(CREDITED);
        this.rateCard = d.render(RATE_CARD);
        this.deleteTiers = d.render(DELETE_TIERS);
        this.insertLines = d.bulkInsert("dbo.BillingInvoiceLine", List.of(Column.of("InvoiceId", SqlType.UUID),
                Column.of("LineNumber", SqlType.INT), Column.of("TenantId", SqlType.INT), Column.of("Meter", SqlType.VARCHAR),
                Column.of("Quantity", SqlType.BIGINT), Column.of("AmountMicros", SqlType.BIGINT),
                Column.of("Description", SqlType.VARCHAR)), List.of());
        this.insertTiers = d.bulkInsert("dbo.BillingRateTier", List.of(Column.of("Meter", SqlType.VARCHAR),
                Column.of("TierIndex", SqlType.INT), Column.of("UpTo", SqlType.BIGINT),
                Column.of("UnitPriceMicros", SqlType.BIGINT), Column.of("Currency", SqlType.VARCHAR)), List.of());
    }

    /** Inserts the document and its lines (two statements). */
    public Uni<Void> insert(SqlClient conn, Invoice i) {
        List<Object[]> rows = new ArrayList<>();
        for (Invoice.Line l : i.lines()) {
            rows.add(new Object[]{i.invoiceId(), l.lineNumber(), i.tenant(), l.meter(), l.quantity(), l.amountMicros(),
                    l.description()});
        }
        return conn.preparedQuery(insertHeader).execute(Tuple.from(Arrays.asList(i.invoiceId(), i.tenant(), i.period(),
                        i.kind(), i.correctsInvoiceId(), i.currency(), i.totalMicros(), i.reason(),
                        LocalDateTime.ofInstant(i.issuedAt(), ZoneOffset.UTC))))
                .chain(() -> rows.isEmpty() ? Uni.createFrom().voidItem()
                        : conn.preparedQuery(insertLines.sql()).execute(Tuple.from(insertLines.bind(rows))).replaceWithVoid());
    }

    /** The tenant's document with its lines; empty for an unknown id or another tenant's. */
    public Uni<Optional<Invoice>> find(SqlClient conn, int tenantId, UUID id) {
        return withLines(conn, tenantId, conn.preparedQuery(find).execute(Tuple.of(tenantId, id)));
    }

    /** The tenant's invoice (not credit note) of a period. */
    public Uni<Optional<Invoice>> findPeriodInvoice(SqlClient conn, int tenantId, String period) {
        return withLines(conn, tenantId, conn.preparedQuery(findPeriodInvoice).execute(Tuple.of(tenantId, period)));
    }

    /** The tenant's documents (without lines), of one period or all, in issue order. */
    public Uni<List<Invoice>> list(SqlClient conn, int tenantId, String period) {
        return conn.preparedQuery(list).execute(Tuple.from(Arrays.asList(tenantId, period, period))).map(rows -> {
            List<Invoice> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(header(r, List.of()));
            }
            return out;
        });
    }

    /**
     * Takes the tenant's credit-note lock until the transaction ends: a transaction that holds it
     * and then reads {@link #credited} sees every credit note committed before, and no other can be
     * issued for the tenant until it ends. (Invoice rows cannot be locked by an UPDATE: they are
     * immutable.)
     */
    public Uni<Void> lockCredits(SqlClient conn, int tenantId) {
        return conn.preparedQuery(lockCredits).execute(Tuple.of(tenantId)).replaceWithVoid();
    }

    /** The sum (negative or zero) of the credit notes correcting an invoice. */
    public Uni<Long> credited(SqlClient conn, int tenantId, UUID invoiceId) {
        return conn.preparedQuery(credited).execute(Tuple.of(tenantId, invoiceId)).map(rows -> rows.iterator().next().getLong(0));
    }

    /** The rate card: tiers per meter in order, and each meter's currency. */
    public record RateCard(Map<Meter, List<Tier>> tiers, Map<Meter, String> currency) {
    }

    public Uni<RateCard> rateCard(SqlClient conn) {
        return conn.preparedQuery(rateCard).execute().map(rows -> {
            Map<Meter, List<Tier>> tiers = new EnumMap<>(Meter.class);
            Map<Meter, String> currency = new EnumMap<>(Meter.class);
            for (Row r : rows) {
                Meter.parse(r.getString(0)).ifPresent(m -> {
                    tiers.computeIfAbsent(m, k -> new ArrayList<>()).add(new Tier(r.getLong(2), r.getLong(3)));
                    currency.put(m, r.getString(4));
                });
            }
            return new RateCard(tiers, currency);
        });
    }

    /** Replaces a meter's tiers (two statements, in the caller's transaction). */
    public Uni<Void> replaceTiers(SqlClient conn, Meter meter, List<Tier> tiers, String currency) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < tiers.size(); i++) {
            rows.add(new Object[]{meter.wire(), i, tiers.get(i).upTo(), tiers.get(i).unitPriceMicros(), currency});
        }
        return conn.preparedQuery(deleteTiers).execute(Tuple.of(meter.wire()))
                .chain(() -> conn.preparedQuery(insertTiers.sql()).execute(Tuple.from(insertTiers.bind(rows))))
                .replaceWithVoid();
    }

    private Uni<Optional<Invoice>> withLines(SqlClient conn, int tenantId, Uni<RowSet<Row>> headers) {
        return headers.chain(rows -> {
            if (!rows.iterator().hasNext()) {
                return Uni.createFrom().item(Optional.<Invoice>empty());
            }
            Row h = rows.iterator().next();
            UUID id = h.getUUID(0);
            return conn.preparedQuery(lines).execute(Tuple.of(tenantId, id)).map(ls -> {
                List<Invoice.Line> out = new ArrayList<>();
                for (Row l : ls) {
                    out.add(new Invoice.Line(l.getInteger(0), l.getString(1), l.getLong(2), l.getLong(3), l.getString(4)));
                }
                return Optional.of(header(h, out));
            });
        });
    }

    private static Invoice header(Row r, List<Invoice.Line> lines) {
        return new Invoice(r.getUUID(0), r.getInteger(1), r.getString(2), r.getString(3), r.getUUID(4), r.getString(5),
                r.getLong(6), r.getString(7), r.getLocalDateTime(8).toInstant(ZoneOffset.UTC), lines);
    }
}
