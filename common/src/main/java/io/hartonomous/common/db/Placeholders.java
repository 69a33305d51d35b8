package io.hartonomous.common.db;

import java.util.function.IntFunction;

/**
 * Rewrites {@code ?} placeholders, skipping literals, quoted identifiers (and T-SQL's bracketed
 * ones when asked: in PostgreSQL brackets subscript arrays) and comments.
 */
final class Placeholders {

    private Placeholders() {
    }

    static String rewrite(String sql, boolean bracketIdentifiers, IntFunction<String> placeholder) {
        StringBuilder out = new StringBuilder(sql.length() + 16);
        int n = 0;
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || (bracketIdentifiers && c == '[')) {
                char close = c == '[' ? ']' : c;
                int end = sql.indexOf(close, i + 1);
                end = end < 0 ? sql.length() : end + 1;
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? sql.length() : end;
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? sql.length() : end + 2;
                out.append(sql, i, end);
                i = end;
            } else if (c == '?') {
                out.append(placeholder.apply(++n));
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
