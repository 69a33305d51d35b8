package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.image.ImageAtomizer;
import io.hartonomous.atom.atomize.image.RasterWriter;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageAtomizerTest {

    private final ImageAtomizer images = new ImageAtomizer();

    @Test
    void reconstructsRealPngByteForByteAndDecodesItsRaster() throws Exception {
        for (String path : new String[]{"/usr/share/gitweb/static/git-logo.png", "/usr/share/doc/python3/_static/file.png"}) {
            byte[] png = Files.exists(Path.of(path)) ? Files.readAllBytes(Path.of(path)) : gradient("png", 37, 21, BufferedImage.TYPE_INT_ARGB);
            var result = assertTwoViews("logo.png", png);
            assertThat(result.nodes()).anyMatch(n -> "chunk".equals(n.subtype()));
            assertThat(result.nodes()).anyMatch(n -> "signature".equals(n.subtype()));
        }
    }

    @Test
    void reconstructsJpegGifAndBmpAndDecodesTheirRasters() throws Exception {
        Path jpeg = Path.of("/usr/share/doc/nodejs/thin-white-stripe.jpg");
        assertTwoViews("a.jpg", Files.exists(jpeg) ? Files.readAllBytes(jpeg) : gradient("jpg", 40, 30, BufferedImage.TYPE_INT_RGB));
        Path gif = Path.of("/usr/share/doc/libxslt1-dev/html/node.gif");
        assertTwoViews("a.gif", Files.exists(gif) ? Files.readAllBytes(gif) : gradient("gif", 40, 30, BufferedImage.TYPE_INT_RGB));
        assertTwoViews("a.bmp", gradient("bmp", 45, 17, BufferedImage.TYPE_INT_RGB));
        assertTwoViews("generated.jpg", gradient("jpg", 70, 33, BufferedImage.TYPE_INT_RGB));
    }

    @Test
    void rasterIsHeaderThenPatchesInRowMajorOrderThenPixelsRowMajorInsideEachPatch() throws Exception {
        byte[] png = gradient("png", 20, 18, BufferedImage.TYPE_INT_ARGB);
        TestingContext context = new TestingContext();
        var result = TestingTrees.atomize(images, "g.png", png, context);
        byte[] raster = result.rebuild(context.derived.get(0).root().hash());
        assertThat(raster).hasSize(16 + 20 * 18 * 4);
        assertThat(Arrays.copyOf(raster, 16)).isEqualTo(ByteBuffer.allocate(16).put("RGBA".getBytes(StandardCharsets.US_ASCII))
                .putInt(20).putInt(18).putInt(16).array());
        // second patch (x 16..19, y 0..15) starts after the first full patch; its first pixel is (16, 0)
        int secondPatch = 16 + 16 * 16 * 4;
        assertThat(Arrays.copyOfRange(raster, secondPatch, secondPatch + 4)).isEqualTo(rgba(gradientArgb(16, 0)));
        // third patch (x 0..15, y 16..17): after the 16×16 and the 4×16 patch; its pixel (1, 1) is (1, 17)
        int thirdPatch = secondPatch + 4 * 16 * 4;
        assertThat(Arrays.copyOfRange(raster, thirdPatch + (16 + 1) * 4, thirdPatch + (16 + 2) * 4)).isEqualTo(rgba(gradientArgb(1, 17)));
        assertThat(result.nodes()).filteredOn(n -> "patch".equals(n.subtype())).isNotEmpty();
    }

    @Test
    void uniformImageDeduplicatesToVeryFewRasterAtoms() throws Exception {
        BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                image.setRGB(x, y, 0xff336699);
            }
        }
        byte[] png = encode(image, "png");
        var result = assertTwoViews("flat.png", png);
        long distinct = result.byHash().values().stream()
                .filter(n -> n.subtype().equals("pixel") || n.subtype().equals("patch") || n.subtype().startsWith("raster"))
                .count();
        assertThat(distinct).isLessThanOrEqualTo(4); // one pixel, one patch, the header, the raster
    }

    @Test
    void refusesPngClaimingHundredThousandSquaredBeforeDecoding() {
        byte[] bomb = pngWithHeader(100_000, 100_000, new byte[]{0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        assertThatThrownBy(() -> TestingTrees.atomize(images, "bomb.png", bomb))
                .isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("100000 × 100000");
    }

    @Test
    void refusesJpegWhoseFrameHeaderClaimsTooManyPixels() throws Exception {
        byte[] jpeg = gradient("jpg", 40, 30, BufferedImage.TYPE_INT_RGB);
        for (int i = 2; i < jpeg.length - 9; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) { // SOF0: length, precision, height, width
                // 60000 × 60000 (libjpeg itself stops at 65500 per side)
                jpeg[i + 5] = (byte) 0xea;
                jpeg[i + 6] = (byte) 0x60;
                jpeg[i + 7] = (byte) 0xea;
                jpeg[i + 8] = (byte) 0x60;
                break;
            }
        }
        assertThatThrownBy(() -> TestingTrees.atomize(images, "big.jpg", jpeg)).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void truncatedPngKeepsTheByteViewOnly() throws Exception {
        byte[] png = gradient("png", 120, 90, BufferedImage.TYPE_INT_ARGB);
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        TestingContext context = new TestingContext();
        var result = TestingTrees.atomize(images, "cut.png", truncated, context);
        assertThat(context.derived).isEmpty();
        assertThat(result.nodes()).noneMatch(n -> "pixel".equals(n.subtype()));
    }

    @Test
    void lyingChunkLengthAndTrailingGarbageStillRoundTrip() throws Exception {
        byte[] png = gradient("png", 30, 30, BufferedImage.TYPE_INT_ARGB);
        byte[] lying = png.clone();
        lying[33] = (byte) 0x7f; // the first chunk after IHDR now claims ~2 GB
        TestingTrees.atomize(images, "lying.png", lying);
        byte[] trailing = Arrays.copyOf(png, png.length + 100);
        Arrays.fill(trailing, png.length, trailing.length, (byte) 7);
        TestingTrees.atomize(images, "trailing.png", trailing);
        // random bytes behind a valid signature: byte view only
        byte[] garbage = new byte[5000];
        new java.util.Random(5).nextBytes(garbage);
        System.arraycopy(png, 0, garbage, 0, 8);
        TestingTrees.atomize(images, "garbage.png", garbage);
    }

    @Test
    void corruptWebpIsRecognisedAndKeepsTheByteViewOnly() throws Exception {
        // no WebP encoder here and no WebP on the machine: a VP8L header over random data exercises the reader
        byte[] webp = new byte[600];
        new java.util.Random(11).nextBytes(webp);
        System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, webp, 0, 4);
        ByteBuffer.wrap(webp, 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(webp.length - 8);
        System.arraycopy("WEBPVP8L".getBytes(StandardCharsets.US_ASCII), 0, webp, 8, 8);
        ByteBuffer.wrap(webp, 16, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(webp.length - 20);
        webp[20] = 0x2f;
        assertThat(images.score(new Sniff("x.webp", webp, webp.length))).isGreaterThanOrEqualTo(80);
        TestingContext context = new TestingContext();
        try {
            TestingTrees.atomize(images, "x.webp", webp, context);
            assertThat(context.derived).isEmpty();
        } catch (MalformedInputException e) {
            assertThat(e.getMessage()).contains("pixels"); // random dimensions may exceed the limit
        }
    }

    @Test
    void scoresBySignatureNotByName() throws Exception {
        byte[] png = gradient("png", 4, 4, BufferedImage.TYPE_INT_ARGB);
        assertThat(images.score(new Sniff("photo.txt", png, png.length))).isGreaterThanOrEqualTo(80);
        byte[] text = "not an image at all\n".getBytes(StandardCharsets.UTF_8);
        assertThat(images.score(new Sniff("photo.png", text, text.length))).isZero();
        assertThat(images.score(new Sniff("x.bmp", "BMW is a car maker, not a bitmap".getBytes(), 32))).isZero();
        assertThat(new Atomizers().choose(new Sniff("photo.txt", png, png.length))).isInstanceOf(ImageAtomizer.class);
    }

    @Test
    void isDeterministic() throws Exception {
        byte[] png = gradient("png", 50, 40, BufferedImage.TYPE_INT_ARGB);
        var a = TestingTrees.atomize(images, "a.png", png, new TestingContext());
        var b = TestingTrees.atomize(images, "a.png", png, new TestingContext());
        assertThat(a.nodes().stream().map(AtomNode::hash).toList()).isEqualTo(b.nodes().stream().map(AtomNode::hash).toList());
    }

    /** Atomizes, checks the byte view (TestingTrees) and that the raster rebuilds the decoded RGBA. */
    private TestingTrees.Result assertTwoViews(String name, byte[] file) throws Exception {
        TestingContext context = new TestingContext();
        var result = TestingTrees.atomize(images, name, file, context);
        assertThat(context.derived).hasSize(1);
        assertThat(context.derived.get(0).relationType()).isEqualTo("decodes_to");
        assertThat(result.rebuild(context.derived.get(0).root().hash())).isEqualTo(expectedRaster(ImageIO.read(new ByteArrayInputStream(file))));
        return result;
    }

    private static byte[] expectedRaster(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(16).put("RGBA".getBytes(StandardCharsets.US_ASCII)).putInt(w).putInt(h).putInt(RasterWriter.PATCH).array());
        for (int py = 0; py < h; py += 16) {
            for (int px = 0; px < w; px += 16) {
                for (int y = py; y < Math.min(h, py + 16); y++) {
                    for (int x = px; x < Math.min(w, px + 16); x++) {
                        out.writeBytes(rgba(image.getRGB(x, y)));
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private static byte[] rgba(int argb) {
        return new byte[]{(byte) (argb >>> 16), (byte) (argb >>> 8), (byte) argb, (byte) (argb >>> 24)};
    }

    private static int gradientArgb(int x, int y) {
        return 0xff000000 | (x * 9 & 0xff) << 16 | (y * 13 & 0xff) << 8 | ((x * y) & 0xff);
    }

    private static byte[] gradient(String format, int w, int h, int type) throws Exception {
        BufferedImage image = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, gradientArgb(x, y));
            }
        }
        return encode(image, format);
    }

    private static byte[] encode(BufferedImage image, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }

    /** A PNG with the given IHDR dimensions (valid CRCs), one IDAT of {@code idat}, and IEND. */
    private static byte[] pngWithHeader(int width, int height, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
