package io.hartonomous.atom.atomize.model;

import io.hartonomous.atom.atomize.AtomNode;
import io.hartonomous.atom.atomize.AtomizeContext;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.hilbert.Hilbert3D;

import java.io.IOException;

/**
 * Writes one tensor's data as tensor → rows → values, and records a coefficient per value.
 *
 * <p>A level of at most 64 bytes becomes one leaf (its leaves are not emitted), yet every value
 * leaf must be an emitted atom for its coefficient to point at. So a level is opened only where
 * its content is known to exceed 64 bytes: rows of at most 64 bytes go straight into row groups,
 * the last group or segment absorbs a remainder of at most 64 bytes, and a tensor of at most 64
 * bytes puts its values straight into the enclosing level (it then has no atom of its own, unless
 * it is a single value). Levels take at most {@link #FANOUT} children, so memory stays bounded.
 */
final class TensorWriter {

    static final int FANOUT = 4096;
    private static final Hilbert3D HILBERT = new Hilbert3D(Hilbert3D.MAX_BITS);
    private static final long MAX_AXIS = HILBERT.side() - 1;

    private final Tap tap;
    private final AtomizeContext context;
    private final boolean coefficients;

    TensorWriter(Tap tap, AtomizeContext context) {
        this.tap = tap;
        this.context = context;
        // a file of at most 64 bytes is one leaf: its values are never atoms of their own
        this.coefficients = context.wantsCoefficients() && tap.size() > AtomNode.MAX_LEAF;
    }

    /** X, Y, Z and the Hilbert index of (X, Y, Z), each axis clamped to the curve's 21 bits. */
    static AtomNode.Position position(long x, long y, long z) {
        long m = HILBERT.encode(Math.min(x, MAX_AXIS), Math.min(y, MAX_AXIS), Math.min(z, MAX_AXIS));
        return new AtomNode.Position((double) x, (double) y, (double) z, m);
    }

    /**
     * A tensor of {@code rows × units} fixed-size units (a weight, or a quantized block of
     * {@code unitBytes} bytes) that the caller has checked fit in the file.
     *
     * @return the tensor's atom; null if it has none (empty, or several values in at most 64 bytes)
     */
    ContentHash fixed(int layer, long rows, long units, int unitBytes, String subtype) throws IOException {
        long rowBytes = Math.multiplyExact(units, (long) unitBytes);
        long total = Math.multiplyExact(rows, rowBytes);
        if (total == 0) {
            return null;
        }
        boolean record = coefficients && rows <= Integer.MAX_VALUE && units <= Integer.MAX_VALUE;
        long end = tap.offset() + total;
        if (total <= AtomNode.MAX_LEAF) {
            TreeWriter.Ref last = null;
            for (long r = 0; r < rows; r++) {
                for (long c = 0; c < units; c++) {
                    last = unit(layer, c, r, unitBytes, subtype, record);
                }
            }
            return rows * units == 1 ? last.hash() : null;
        }
        tap.open("tensor");
        if (!coefficients && unitBytes <= AtomNode.MAX_LEAF) {
            runs(layer, rows, units, unitBytes, rowBytes, end, subtype);
        } else if (rowBytes > AtomNode.MAX_LEAF) {
            pieces(rows, FANOUT, end, "rows", r -> {
                long rowEnd = tap.offset() + rowBytes;
                tap.open("row");
                pieces(units, FANOUT, rowEnd, "segment", c -> unit(layer, c, r, unitBytes, subtype, record));
                tap.close(position(0, r, layer));
            });
        } else {
            long rowsPerGroup = Math.max(1, FANOUT / units);
            pieces(rows, rowsPerGroup, end, "rows", r -> {
                for (long c = 0; c < units; c++) {
                    unit(layer, c, r, unitBytes, subtype, record);
                }
            });
        }
        return tap.close(position(0, 0, layer)).hash();
    }

    /**
     * Without coefficient rows no value needs an atom of its own: the data is written as runs of
     * whole units of at most 64 bytes (a row, or 64 / unitBytes units of a longer row; quantized
     * blocks are never split), positioned at their first unit. Identical runs still deduplicate.
     */
    private void runs(int layer, long rows, long units, int unitBytes, long rowBytes, long end, String subtype)
            throws IOException {
        if (rowBytes <= AtomNode.MAX_LEAF) {
            pieces(rows, FANOUT, end, "rows", r -> tap.value((int) rowBytes, subtype, position(0, r, layer)));
            return;
        }
        int perRun = AtomNode.MAX_LEAF / unitBytes;
        long runsPerRow = (units + perRun - 1) / perRun;
        pieces(rows, FANOUT, end, "rows", r -> {
            long rowEnd = tap.offset() + rowBytes;
            tap.open("row");
            pieces(runsPerRow, FANOUT, rowEnd, "segment", c -> {
                long first = c * perRun;
                int n = (int) Math.min(perRun, units - first);
                tap.value(n * unitBytes, subtype, position(first, r, layer));
            });
            tap.close(position(0, r, layer));
        });
    }

    /**
     * A tensor stored as protobuf varints (ONNX int32_data, int64_data, uint64_data): each varint
     * is a value leaf; x and y follow the shape's last dimension.
     */
    ContentHash varints(int layer, long bytes, long columns, String subtype) throws IOException {
        if (bytes == 0) {
            return null;
        }
        long end = tap.offset() + bytes;
        long cols = Math.max(1, columns);
        long[] count = {0};
        TreeWriter.Ref[] last = {null};
        Unit varint = i -> {
            long x = i % cols;
            long y = i / cols;
            tap.cut();
            tap.as(subtype);
            tap.varint("a varint value");
            TreeWriter.Ref ref = tap.cut(position(x, y, layer));
            last[0] = ref;
            count[0]++;
            if (coefficients && x <= Integer.MAX_VALUE && y <= Integer.MAX_VALUE) {
                context.coefficient(layer, (int) x, (int) y, layer, ref.hash());
            }
        };
        if (bytes <= AtomNode.MAX_LEAF) {
            for (long i = 0; tap.offset() < end; i++) {
                varint.write(i);
            }
            tap.as("header");
            if (tap.offset() != end) {
                throw tap.malformed("a packed varint runs past the end of its field");
            }
            return count[0] == 1 ? last[0].hash() : null;
        }
        tap.open("tensor");
        pieces(bytes, FANOUT, end, "segment", varint);
        tap.as("header");
        if (tap.offset() != end) {
            throw tap.malformed("a packed varint runs past the end of its field");
        }
        return tap.close(position(0, 0, layer)).hash();
    }

    private TreeWriter.Ref unit(int layer, long x, long y, int bytes, String subtype, boolean record) throws IOException {
        AtomNode.Position at = position(x, y, layer);
        TreeWriter.Ref ref;
        if (bytes <= AtomNode.MAX_LEAF) {
            ref = tap.value(bytes, subtype, at);
        } else {
            tap.open(subtype);
            tap.as(subtype + "-bytes");
            tap.skip(bytes, "a quantized block");
            ref = tap.close(at);
            tap.as("header");
        }
        if (record) {
            context.coefficient(layer, (int) x, (int) y, layer, ref.hash());
        }
        return ref;
    }

    @FunctionalInterface
    interface Unit {
        void write(long index) throws IOException;
    }

    /**
     * Writes units until {@code end} (a file offset) in pieces of at least {@code perPiece} units,
     * one level each, under fan-out levels; when everything fits one piece, the units go straight
     * into the current level. A piece ends only while more than 64 bytes remain, so every piece
     * holds more than 64 bytes and none collapses into a leaf.
     */
    private void pieces(long maxUnits, long perPiece, long end, String subtype, Unit unit) throws IOException {
        if (maxUnits <= perPiece) {
            for (long i = 0; tap.offset() < end; i++) {
                unit.write(i);
            }
            return;
        }
        FanOut fan = new FanOut(tap, (maxUnits + perPiece - 1) / perPiece, FANOUT, subtype);
        long inPiece = 0;
        fan.before();
        tap.open(subtype);
        for (long i = 0; tap.offset() < end; i++) {
            unit.write(i);
            inPiece++;
            if (inPiece >= perPiece && end - tap.offset() > AtomNode.MAX_LEAF) {
                tap.close();
                fan.after();
                inPiece = 0;
                fan.before();
                tap.open(subtype);
            }
        }
        tap.close();
        fan.after();
        fan.finish();
    }
}
