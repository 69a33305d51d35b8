package io.hartonomous.atom.atomize;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes ustar archives, including the hostile entries real tools refuse to write. */
public final class TestingTar {

    public static void entry(ByteArrayOutputStream out, String name, char type, byte[] data) {
        entry(out, name, type, data, "");
    }

    public static void entry(ByteArrayOutputStream out, String name, char type, byte[] data, String link) {
        byte[] h = new byte[512];
        put(h, 0, name, 100);
        put(h, 100, "0000644", 8);
        put(h, 108, "0000000", 8);
        put(h, 116, "0000000", 8);
        put(h, 124, String.format("%011o", data.length), 12);
        put(h, 136, "00000000000", 12);
        h[156] = (byte) type;
        put(h, 157, link, 100);
        put(h, 257, "ustar", 6);
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum), 7);
        out.writeBytes(h);
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    public static void end(ByteArrayOutputStream out) {
        out.writeBytes(new byte[1024]);
    }

    private static void put(byte[] h, int offset, String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, offset, Math.min(b.length, max));
    }

    private TestingTar() {
    }
}
