package io.hartonomous.common.db;

import java.util.Objects;

/** A column of a bulk statement: its (unquoted) name and type. */
public record Column(String name, SqlType type) {
    public Column {
        Objects.requireNonNull(type, "type");
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain SQL identifier: " + name);
        }
    }

    public static Column of(String name, SqlType type) {
        return new Column(name, type);
    }
}
