package io.hartonomous.common.db;

import java.util.List;

/** Argument checks shared by the dialects. */
final class Sql {

    private Sql() {
    }

    static void requireSubset(List<String> columns, List<String> subset) {
        for (String s : subset) {
            if (!columns.contains(s)) {
                throw new IllegalArgumentException(s + " is not among the statement's columns " + columns);
            }
        }
    }
}
