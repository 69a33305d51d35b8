package io.hartonomous.search.store;

import io.hartonomous.common.hash.ContentHash;
import io.vertx.mutiny.sqlclient.Row;

import java.time.LocalDateTime;

/** Column values as the two drivers return them. */
final class Rows {

    private Rows() {
    }

    static byte[] bytes(Row row, int column) {
        Object value = row.getValue(column);
        if (value == null) {
            return null;
        }
        if (value instanceof io.vertx.mutiny.core.buffer.Buffer b) {
            return b.getBytes();
        }
        if (value instanceof io.vertx.core.buffer.Buffer b) {
            return b.getBytes();
        }
        if (value instanceof byte[] b) {
            return b;
        }
        throw new IllegalStateException("not a binary column value: " + value.getClass().getName());
    }

    static ContentHash hash(Row row, int column) {
        return ContentHash.of(bytes(row, column));
    }

    static LocalDateTime timestamp(Row row, int column) {
        Object v = row.getValue(column);
        if (v instanceof LocalDateTime t) {
            return t;
        }
        if (v instanceof java.time.OffsetDateTime o) {
            return o.toLocalDateTime();
        }
        return v == null ? null : LocalDateTime.parse(v.toString());
    }
}
