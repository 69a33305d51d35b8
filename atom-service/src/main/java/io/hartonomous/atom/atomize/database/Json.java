package io.hartonomous.atom.atomize.database;

/**
 * A strict JSON validator over bytes (RFC 8259), used to decide whether a row really is JSON.
 * Returns the index after the value, or -1 if the bytes are not valid JSON. Nesting is limited so
 * hostile input cannot exhaust the stack.
 */
final class Json {

    static final int MAX_DEPTH = 256;

    private Json() {
    }

    static int skipWhitespace(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    /** The end of the value at {@code i} (no leading whitespace), or -1. */
    static int value(byte[] b, int i, int end, int depth) {
        if (i >= end || depth > MAX_DEPTH) {
            return -1;
        }
        return switch (b[i]) {
            case '{' -> object(b, i, end, depth);
            case '[' -> array(b, i, end, depth);
            case '"' -> string(b, i, end);
            case 't' -> literal(b, i, end, "true");
            case 'f' -> literal(b, i, end, "false");
            case 'n' -> literal(b, i, end, "null");
            default -> number(b, i, end);
        };
    }

    private static int object(byte[] b, int i, int end, int depth) {
        i = skipWhitespace(b, i + 1, end);
        if (i < end && b[i] == '}') {
            return i + 1;
        }
        while (true) {
            i = string(b, i, end);
            if (i < 0) {
                return -1;
            }
            i = skipWhitespace(b, i, end);
            if (i >= end || b[i] != ':') {
                return -1;
            }
            i = value(b, skipWhitespace(b, i + 1, end), end, depth + 1);
            if (i < 0) {
                return -1;
            }
            i = skipWhitespace(b, i, end);
            if (i >= end) {
                return -1;
            }
            if (b[i] == '}') {
                return i + 1;
            }
            if (b[i] != ',') {
                return -1;
            }
            i = skipWhitespace(b, i + 1, end);
        }
    }

    private static int array(byte[] b, int i, int end, int depth) {
        i = skipWhitespace(b, i + 1, end);
        if (i < end && b[i] == ']') {
            return i + 1;
        }
        while (true) {
            i = value(b, i, end, depth + 1);
            if (i < 0) {
                return -1;
            }
            i = skipWhitespace(b, i, end);
            if (i >= end) {
                return -1;
            }
            if (b[i] == ']') {
                return i + 1;
            }
            if (b[i] != ',') {
                return -1;
            }
            i = skipWhitespace(b, i + 1, end);
        }
    }

    static int string(byte[] b, int i, int end) {
        if (i >= end || b[i] != '"') {
            return -1;
        }
        for (i++; i < end; i++) {
            int c = b[i] & 0xff;
            if (c == '"') {
                return i + 1;
            }
            if (c < 0x20) {
                return -1;
            }
            if (c == '\\') {
                if (++i >= end) {
                    return -1;
                }
                byte e = b[i];
                if (e == 'u') {
                    if (i + 4 >= end) {
                        return -1;
                    }
                    for (int k = 1; k <= 4; k++) {
                        if (Character.digit(b[i + k], 16) < 0) {
                            return -1;
                        }
                    }
                    i += 4;
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static int literal(byte[] b, int i, int end, String word) {
        if (end - i < word.length()) {
            return -1;
        }
        for (int k = 0; k < word.length(); k++) {
            if (b[i + k] != word.charAt(k)) {
                return -1;
            }
        }
        return i + word.length();
    }

    private static int number(byte[] b, int i, int end) {
        int start = i;
        if (i < end && b[i] == '-') {
            i++;
        }
        if (i >= end || !digit(b[i])) {
            return -1;
        }
        if (b[i] == '0') {
            i++;
        } else {
            while (i < end && digit(b[i])) {
                i++;
            }
        }
        if (i < end && b[i] == '.') {
            i++;
            if (i >= end || !digit(b[i])) {
                return -1;
            }
            while (i < end && digit(b[i])) {
                i++;
            }
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            if (i >= end || !digit(b[i])) {
                return -1;
            }
            while (i < end && digit(b[i])) {
                i++;
            }
        }
        return i > start ? i : -1;
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }
}
