package io.hartonomous.atom.atomize.image;

import io.hartonomous.atom.atomize.Sniff;

import java.util.Set;

/** The image formats recognised by signature; the name only breaks ties, never decides alone. */
enum ImageFormat {
    PNG("png", Set.of("png")),
    JPEG("jpeg", Set.of("jpg", "jpeg", "jpe", "jfif")),
    GIF("gif", Set.of("gif")),
    BMP("bmp", Set.of("bmp", "dib")),
    WEBP("webp", Set.of("webp"));

    /** The ImageIO format name whose reader decodes it. */
    final String readerName;
    final Set<String> extensions;

    ImageFormat(String readerName, Set<String> extensions) {
        this.readerName = readerName;
        this.extensions = extensions;
    }

    /** Its media type. */
    String mediaType() {
        return "image/" + readerName;
    }

    /** The format whose signature the head carries, or null. */
    static ImageFormat of(Sniff sniff) {
        byte[] h = sniff.head();
        if (sniff.startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G', (byte) 0x0d, (byte) 0x0a, (byte) 0x1a, (byte) 0x0a)) {
            return PNG;
        }
        if (sniff.startsWith((byte) 0xff, (byte) 0xd8, (byte) 0xff)) {
            return JPEG;
        }
        if (sniff.startsWith((byte) 'G', (byte) 'I', (byte) 'F', (byte) '8') && h.length >= 6
                && (h[4] == '7' || h[4] == '9') && h[5] == 'a') {
            return GIF;
        }
        if (sniff.startsWith((byte) 'B', (byte) 'M') && h.length >= 26 && bmpHeaderPlausible(h)) {
            return BMP;
        }
        if (sniff.startsWith((byte) 'R', (byte) 'I', (byte) 'F', (byte) 'F') && h.length >= 16
                && h[8] == 'W' && h[9] == 'E' && h[10] == 'B' && h[11] == 'P' && h[12] == 'V' && h[13] == 'P' && h[14] == '8') {
            return WEBP;
        }
        return null;
    }

    /** "BM" alone is two letters of text: also require a known DIB header size and zero reserved words. */
    private static boolean bmpHeaderPlausible(byte[] h) {
        int reserved = (h[6] | h[7] | h[8] | h[9]) & 0xff;
        int dib = (h[14] & 0xff) | (h[15] & 0xff) << 8 | (h[16] & 0xff) << 16 | (h[17] & 0xff) << 24;
        return reserved == 0 && (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124);
    }
}
