package io.hartonomous.search.metering;

import io.hartonomous.common.db.BulkInsert;
import io.hartonomous.common.db.Column;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.SqlType;
import io.hartonomous.common.db.Tx;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * dbo.SearchUsageOutbox: usage events waiting for billing-service. Inserts are set-based and
 * idempotent (an event whose key is there already is skipped), so writing a batch twice keeps
 * one row per event.
 */
@ApplicationScoped
public class UsageRepository {

    private final Database db;
    private final BulkInsert insert;
    private final String page;
    private final String delete;
    private final String count;

    public UsageRepository(Database db) {
        this.db = db;
        SqlDialect d = db.dialect();
        this.insert = d.bulkInsert("dbo.SearchUsageOutbox", List.of(Column.of("TenantId", SqlType.INT),
                Column.of("IdempotencyKey", SqlType.VARCHAR), Column.of("Meter", SqlType.VARCHAR),
                Column.of("Quantity", SqlType.BIGINT), Column.of("OccurredAt", SqlType.TIMESTAMP)), List.of("IdempotencyKey"));
        // every tenant's events, oldest first: the sender sends for all tenants, each with its own token
        this.page = d.render("""
                SELECT OutboxId, TenantId, IdempotencyKey, Meter, Quantity, OccurredAt
                FROM dbo.SearchUsageOutbox
                ORDER BY OutboxId
                OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY""");
        this.delete = d.render("DELETE FROM dbo.SearchUsageOutbox WHERE TenantId = ? AND ")
                + d.inList("OutboxId", SqlType.BIGINT, 2);
        this.count = d.render("SELECT COUNT(*) FROM dbo.SearchUsageOutbox");
    }

    /** A usage event; {@code occurredAt} in UTC. */
    public record Event(long outboxId, int tenant, String key, String meter, long quantity, LocalDateTime occurredAt) {
    }

    /** Stores events in one statement (ids are assigned by the database); keys stored already are skipped. */
    public void insert(List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        java.util.Map<String, Event> distinct = new java.util.LinkedHashMap<>();
        events.forEach(e -> distinct.putIfAbsent(e.key(), e));
        List<Object[]> rows = distinct.values().stream()
                .map(e -> new Object[]{e.tenant(), e.key(), e.meter(), e.quantity(), e.occurredAt()}).toList();
        Tx.execute(db, insert.sql(), insert.bind(rows), "store usage events");
    }

    /** The oldest {@code limit} events of any tenant. */
    public List<Event> oldest(int limit) {
        List<Event> out = new ArrayList<>();
        for (Row r : Tx.execute(db, page, List.of(limit), "read usage events")) {
            Object at = r.getValue(5);
            out.add(new Event(r.getLong(0), r.getInteger(1), r.getString(2), r.getString(3), r.getLong(4),
                    at instanceof java.time.OffsetDateTime o ? o.toLocalDateTime() : (LocalDateTime) at));
        }
        return out;
    }

    /** Deletes sent events of one tenant; returns how many went. */
    public int delete(int tenant, List<Long> outboxIds) {
        if (outboxIds.isEmpty()) {
            return 0;
        }
        return Tx.execute(db, delete, List.of(tenant, db.dialect().bindList(SqlType.BIGINT, outboxIds)), "delete sent usage events")
                .rowCount();
    }

    /** Events waiting. */
    public long count() {
        return Tx.execute(db, count, List.of(), "count usage events").iterator().next().getLong(0);
    }
}
