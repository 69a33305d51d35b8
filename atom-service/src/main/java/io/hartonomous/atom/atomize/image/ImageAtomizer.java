package io.hartonomous.atom.atomize.image;

import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import io.hartonomous.atom.atomize.AtomizeContext;
import io.hartonomous.atom.atomize.Atomizer;
import io.hartonomous.atom.atomize.Grouper;
import io.hartonomous.atom.atomize.MalformedInputException;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.atom.atomize.binary.BinaryAtomizer;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Iterator;
import java.util.Locale;

/**
 * Images in two views (DESIGN.md invariant 4).
 * <ul>
 *   <li>The <b>byte view</b> is the job's root and rebuilds the file exactly: a PNG as signature,
 *       then one level per chunk (length + type, data, CRC), grouped; any other format as
 *       content-defined chunks ({@link BinaryAtomizer#writeChunked}).</li>
 *   <li>The <b>raster view</b> ({@link RasterWriter}) is the decoded image as a second root,
 *       emitted first and declared with {@code derivedRoot(raster, "decodes_to")}.</li>
 * </ul>
 * Hostile input: the declared dimensions are read (PNG: from IHDR directly; others: the reader's
 * header parse) before any pixel is decoded; over {@link #MAX_PIXELS} pixels or {@link #MAX_SIDE}
 * per side the input is refused with {@link MalformedInputException}, which also bounds what a
 * decompression bomb can expand to. An image that cannot be decoded (truncated, corrupt, decoder
 * warnings, no reader for the format) or a file over {@link #MAX_DECODE_BYTES} keeps its byte view
 * only. Files without an image signature are never claimed, whatever their name.
 */
public final class ImageAtomizer implements Atomizer {

    public static final String MODALITY = "image";
    /** Most pixels decoded: 50 megapixels, about 200 MB of RGBA. */
    public static final long MAX_PIXELS = 50_000_000L;
    /** Longest side decoded (patch coordinates then fit the 16-bit Hilbert curve). */
    public static final int MAX_SIDE = 1 << 20;
    /** Decoding needs the whole file in memory; larger files keep their byte view only. */
    public static final int MAX_DECODE_BYTES = 64 << 20;
    private static final int INLINE_CHUNK_DATA = 4096;

    @Override
    public String modality() {
        return MODALITY;
    }

    @Override
    public int score(Sniff sniff) {
        ImageFormat format = ImageFormat.of(sniff);
        if (format == null) {
            return 0;
        }
        return format.extensions.contains(sniff.extension()) ? 85 : 80;
    }

    @Override
    public String mediaType(Sniff sniff) {
        ImageFormat format = ImageFormat.of(sniff);
        return format == null ? null : format.mediaType();
    }

    @Override
    public void atomize(InputStream in, Sniff sniff, TreeWriter tree, AtomizeContext context) throws IOException {
        ImageFormat format = ImageFormat.of(sniff);
        if (format == null || sniff.size() > MAX_DECODE_BYTES) {
            writeOpaque(in, tree);
            return;
        }
        byte[] file = in.readNBytes(MAX_DECODE_BYTES + 1);
        if (file.length > MAX_DECODE_BYTES) { // the announced size was wrong: stay streaming
            writeOpaque(new SequenceInputStream(new ByteArrayInputStream(file), in), tree);
            return;
        }
        BufferedImage image = decode(file, format);
        if (image != null) {
            context.derivedRoot(RasterWriter.write(tree, image), "decodes_to");
        }
        if (format == ImageFormat.PNG) {
            writePng(file, tree);
        } else {
            writeOpaque(new ByteArrayInputStream(file), tree);
        }
    }

    private static void writeOpaque(InputStream in, TreeWriter tree) throws IOException {
        tree.open(MODALITY, "document");
        BinaryAtomizer.writeChunked(in, tree, MODALITY, "chunk", "bytes");
    }

    /**
     * The decoded image, or null when it does not decode cleanly.
     *
     * @throws MalformedInputException when the declared dimensions exceed the limits
     */
    static BufferedImage decode(byte[] file, ImageFormat format) throws MalformedInputException {
        if (format == ImageFormat.PNG && file.length >= 24 && file[12] == 'I' && file[13] == 'H' && file[14] == 'D' && file[15] == 'R') {
            checkDimensions(u32(file, 16), u32(file, 20));
        }
        ImageReader reader = reader(format);
        if (reader == null) {
            return null;
        }
        boolean[] warned = {false};
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(file))) {
            reader.setInput(input, true, true);
            long width;
            long height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                return null;
            }
            checkDimensions(width, height);
            reader.addIIOReadWarningListener(new IIOReadWarningListener() {
                @Override
                public void warningOccurred(ImageReader source, String warning) {
                    warned[0] = true; // e.g. "premature end of JPEG file": the rest would be invented grey
                }
            });
            BufferedImage image = reader.read(0);
            if (warned[0] || image.getWidth() != width || image.getHeight() != height) {
                return null;
            }
            return image;
        } catch (MalformedInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            return null; // corrupt or truncated data: the byte view stands alone
        } finally {
            reader.dispose();
        }
    }

    static void checkDimensions(long width, long height) throws MalformedInputException {
        if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) {
            throw new MalformedInputException(String.format(Locale.ROOT,
                    "The image declares %d × %d pixels; images over %d megapixels or %d pixels per side are not accepted.",
                    width, height, MAX_PIXELS / 1_000_000, MAX_SIDE));
        }
    }

    private static ImageReader reader(ImageFormat format) {
        if (format == ImageFormat.WEBP) {
            // explicit, not through the global registry: class-path scanning differs between runtimes
            return new WebPImageReaderSpi().createReaderInstance(null);
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.readerName);
        return readers.hasNext() ? readers.next() : null;
    }

    /** Signature, then each chunk as a level (length + type, data, CRC); what does not parse stays opaque. */
    private static void writePng(byte[] file, TreeWriter tree) throws IOException {
        tree.open(MODALITY, "document");
        tree.leaf(file, 0, 8, MODALITY, "signature");
        Grouper groups = new Grouper(tree, 1, 15, 256, MODALITY, "group");
        int at = 8;
        while (at + 12 <= file.length) {
            long length = u32(file, at);
            if (length > file.length - at - 12L) {
                break; // a lying length: the rest is kept as opaque bytes
            }
            int data = (int) length;
            boolean end = file[at + 4] == 'I' && file[at + 5] == 'E' && file[at + 6] == 'N' && file[at + 7] == 'D';
            groups.beforeUnit();
            tree.open(MODALITY, "chunk");
            tree.leaf(file, at, 8, MODALITY, "chunk-header");
            if (data <= INLINE_CHUNK_DATA) {
                tree.bytes(file, at + 8, data, MODALITY, "chunk-data");
            } else {
                tree.open(MODALITY, "chunk-data");
                BinaryAtomizer.writeChunked(new ByteArrayInputStream(file, at + 8, data), tree, MODALITY, "chunk", "bytes");
                tree.close();
            }
            tree.leaf(file, at + 8 + data, 4, MODALITY, "crc");
            groups.afterUnit(tree.close(), false);
            at += 12 + data;
            if (end) {
                break;
            }
        }
        groups.finish();
        if (at < file.length) {
            tree.open(MODALITY, "trailing");
            BinaryAtomizer.writeChunked(new ByteArrayInputStream(file, at, file.length - at), tree, MODALITY, "chunk", "bytes");
            tree.close();
        }
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }
}
