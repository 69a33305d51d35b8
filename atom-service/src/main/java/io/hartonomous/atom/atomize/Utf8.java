package io.hartonomous.atom.atomize;

/** Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF). */
public final class Utf8 {

    private Utf8() {
    }

    public static boolean isValid(byte[] b, int offset, int length) {
        return scan(b, offset, length, false, false);
    }

    /** Valid UTF-8 without NUL or most C0 controls; {@code truncated} allows a cut final sequence. */
    public static boolean isText(byte[] b, int offset, int length, boolean truncated) {
        return scan(b, offset, length, truncated, true);
    }

    private static boolean scan(byte[] b, int offset, int length, boolean truncated, boolean textOnly) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                if (textOnly && c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b) {
                    return false;
                }
                i++;
                continue;
            }
            int need;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                need = 3;
                min = 0x10000;
            } else {
                return false;
            }
            int cp = c & (0x3f >> need);
            for (int k = 1; k <= need; k++) {
                if (i + k >= end) {
                    return truncated;
                }
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return false;
            }
            i += need + 1;
        }
        return true;
    }
}
