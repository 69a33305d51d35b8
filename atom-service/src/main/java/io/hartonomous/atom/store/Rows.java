package io.hartonomous.atom.store;

/** Binary column values as the two drivers return them (a Vert.x buffer, either flavour). */
public final class Rows {

    private Rows() {
    }

    public static byte[] bytes(Object value) {
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
}
