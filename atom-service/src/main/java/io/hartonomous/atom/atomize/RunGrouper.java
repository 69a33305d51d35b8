package io.hartonomous.atom.atomize;

import java.io.IOException;

/**
 * Groups a long run of small units (audio frames, table rows) into a fixed number of levels with
 * content-defined boundaries, like {@link Grouper}, but with a minimum as well as a maximum group
 * size. The minimum matters for repetitive input: with {@link Grouper}, a unit that repeats (a
 * silent frame, an empty row) and happens to hit the boundary mask closes every level after every
 * unit, so all units become direct children of the level above — memory then grows with the
 * input. Here every group takes at least {@code min} children, so the fan-out above the groups
 * shrinks by {@code min^levels} and a repeated run yields identical, deduplicating groups.
 *
 * <p>A boundary is a rolling (gear-style) hash of the children's hashes: {@code h = (h << 1) +
 * hash(child)}, closing when {@code (h & mask) == 0} once {@code min} children are in.
 */
public final class RunGrouper {

    private final TreeWriter tree;
    private final int base;
    private final int levels;
    private final int min;
    private final int max;
    private final int mask;
    private final String modality;
    private final String subtype;
    private final long[] rolling;

    public RunGrouper(TreeWriter tree, int levels, int min, int max, int mask, String modality, String subtype) {
        if (levels < 1 || min < 1 || max < min) {
            throw new IllegalArgumentException("levels >= 1 and 1 <= min <= max");
        }
        this.tree = tree;
        this.base = tree.depth();
        this.levels = levels;
        this.min = min;
        this.max = max;
        this.mask = mask;
        this.modality = modality;
        this.subtype = subtype;
        this.rolling = new long[levels];
    }

    /** Call before writing a unit: opens the groups the unit goes into. */
    public void beforeUnit() {
        while (tree.depth() - base < levels) {
            tree.open(modality, subtype);
            rolling[tree.depth() - base - 1] = 0;
        }
    }

    /** Call after a unit was written (as a leaf or a closed level), with its reference. */
    public void afterUnit(TreeWriter.Ref unit) throws IOException {
        TreeWriter.Ref child = unit;
        while (tree.depth() > base && child != null) {
            int level = tree.depth() - base - 1;
            rolling[level] = (rolling[level] << 1) + child.hash().hashCode();
            int count = tree.childCount();
            boolean boundary = count >= max || (count >= min && (rolling[level] & mask) == 0);
            if (!boundary) {
                return;
            }
            child = tree.close();
        }
    }

    /** Closes the groups still open. */
    public void finish() throws IOException {
        while (tree.depth() > base) {
            tree.close();
        }
    }
}
