package io.hartonomous.atom.atomize;

import java.util.Locale;

/**
 * What is known about an input before atomizing it: its (sanitized) name, its first bytes and its
 * size. Atomizers choose by content first and name second; a lying extension never makes a
 * format parser run on content that does not have the format's signature.
 */
public record Sniff(String name, byte[] head, long size) {

    public String extension() {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    public boolean startsWith(byte... signature) {
        if (head.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if (head[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when the head is valid UTF-8 (a sequence cut by the end of the head allowed) without NULs. */
    public boolean looksLikeText() {
        return Utf8.isText(head, 0, head.length, head.length < size);
    }
}
