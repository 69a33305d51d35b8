package io.hartonomous.common.db;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A statement in the dialect's own text with its bound parameters, in order. Dynamic SQL is
 * built as one such value; values never enter the text.
 */
public record Query(String sql, List<Object> params) {

    public Query {
        params = Collections.unmodifiableList(new ArrayList<>(params));
    }

    public static Query of(String sql, Object... params) {
        return new Query(sql, java.util.Arrays.asList(params));
    }
}
