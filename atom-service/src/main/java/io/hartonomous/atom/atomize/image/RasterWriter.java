package io.hartonomous.atom.atomize.image;

import io.hartonomous.atom.atomize.AtomNode;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.common.hilbert.Hilbert3D;

import java.awt.image.BufferedImage;

/**
 * Emits a decoded image as the raster view: a root of subtype {@code raster} whose bytes are
 * <ol>
 *   <li>a 16-byte header leaf ({@code raster-header}): ASCII {@code RGBA}, then width, height and
 *       patch side as big-endian 32-bit integers — so rasters of equal pixels but different
 *       shapes are different atoms;</li>
 *   <li>the patches ({@code patch}, 16×16, smaller at the right and bottom edges) in row-major
 *       patch order, each placed at x = patch column, y = patch row, m = Hilbert(x, y);</li>
 *   <li>inside a patch, its pixels ({@code pixel}, 4-byte RGBA leaves, sRGB, 8 bits per channel)
 *       row-major, placed at x, y within the patch (a patch deduplicates wherever it occurs, so
 *       its edges hold patch-relative positions).</li>
 * </ol>
 * Identical pixels and identical patches are one atom each.
 */
public final class RasterWriter {

    public static final int PATCH = 16;
    private static final Hilbert3D PIXEL_CURVE = new Hilbert3D(4);
    private static final Hilbert3D PATCH_CURVE = new Hilbert3D(16);
    private static final String MODALITY = ImageAtomizer.MODALITY;

    private RasterWriter() {
    }

    /** Writes {@code image} as a top-level tree and returns its root. */
    public static TreeWriter.Ref write(TreeWriter tree, BufferedImage image) throws java.io.IOException {
        int width = image.getWidth();
        int height = image.getHeight();
        tree.open(MODALITY, "raster");
        tree.leaf(header(width, height), 0, 16, MODALITY, "raster-header");
        int[] strip = new int[width * PATCH];
        byte[] pixel = new byte[4];
        for (int patchRow = 0, y0 = 0; y0 < height; patchRow++, y0 += PATCH) {
            int rows = Math.min(PATCH, height - y0);
            image.getRGB(0, y0, width, rows, strip, 0, width);
            for (int patchColumn = 0, x0 = 0; x0 < width; patchColumn++, x0 += PATCH) {
                int columns = Math.min(PATCH, width - x0);
                tree.open(MODALITY, "patch");
                for (int y = 0; y < rows; y++) {
                    for (int x = 0; x < columns; x++) {
                        int argb = strip[y * width + x0 + x];
                        pixel[0] = (byte) (argb >>> 16);
                        pixel[1] = (byte) (argb >>> 8);
                        pixel[2] = (byte) argb;
                        pixel[3] = (byte) (argb >>> 24);
                        tree.leaf(pixel, 0, 4, MODALITY, "pixel",
                                new AtomNode.Position((double) x, (double) y, null, PIXEL_CURVE.encode(x, y, 0)));
                    }
                }
                tree.close(new AtomNode.Position((double) patchColumn, (double) patchRow, null,
                        PATCH_CURVE.encode(patchColumn, patchRow, 0)));
            }
        }
        return tree.close();
    }

    static byte[] header(int width, int height) {
        byte[] h = new byte[16];
        h[0] = 'R';
        h[1] = 'G';
        h[2] = 'B';
        h[3] = 'A';
        putInt(h, 4, width);
        putInt(h, 8, height);
        putInt(h, 12, PATCH);
        return h;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
