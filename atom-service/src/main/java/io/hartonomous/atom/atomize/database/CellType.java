package io.hartonomous.atom.atomize.database;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The type subtype of a cell: {@code null, boolean, integer, decimal, date, datetime, string}, and for JSON {@code object, array}. */
final class CellType {

    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern DATETIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?");
    private static final int MAX_TYPED = 64;

    private CellType() {
    }

    /** The type of a CSV cell's text (quotes already removed). */
    static String ofText(byte[] b, int from, int to) {
        int length = to - from;
        if (length == 0) {
            return "null";
        }
        if (length > MAX_TYPED) {
            return "string";
        }
        String s = new String(b, from, length, StandardCharsets.UTF_8).strip();
        if (s.isEmpty() || s.equalsIgnoreCase("null")) {
            return "null";
        }
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return "boolean";
        }
        if (INTEGER.matcher(s).matches()) {
            return "integer";
        }
        if (DECIMAL.matcher(s).matches()) {
            return "decimal";
        }
        if (DATE.matcher(s).matches()) {
            return "date";
        }
        if (DATETIME.matcher(s).matches()) {
            return "datetime";
        }
        return "string";
    }

    /** The type of a valid JSON value. */
    static String ofJson(byte[] b, int from, int to) {
        return switch (b[from]) {
            case '{' -> "object";
            case '[' -> "array";
            case 't', 'f' -> "boolean";
            case 'n' -> "null";
            case '"' -> {
                String inner = ofText(b, from + 1, to - 1);
                yield inner.equals("date") || inner.equals("datetime") ? inner : "string";
            }
            default -> ofText(b, from, to).equals("integer") ? "integer" : "decimal";
        };
    }
}
