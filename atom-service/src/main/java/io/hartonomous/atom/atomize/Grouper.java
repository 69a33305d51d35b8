package io.hartonomous.atom.atomize;

import java.io.IOException;

/**
 * Keeps a fixed number of grouping levels open above a stream of units (lines, chunks), and
 * closes a group when a content-defined boundary passes (low bits of the closed child's hash are
 * zero) or the group is full. Content-defined boundaries make an insertion early in a file change
 * only nearby groups, so the rest still deduplicates.
 */
public final class Grouper {

    private final TreeWriter tree;
    private final int base;
    private final int levels;
    private final int mask;
    private final int max;
    private final String modality;
    private final String subtype;

    /**
     * @param levels   grouping levels between the current level and the units
     * @param mask     boundary when {@code (hash & mask) == 0}: mask 15 gives groups of about 16
     * @param max      most children a group takes
     */
    public Grouper(TreeWriter tree, int levels, int mask, int max, String modality, String subtype) {
        this.tree = tree;
        this.base = tree.depth();
        this.levels = levels;
        this.mask = mask;
        this.max = max;
        this.modality = modality;
        this.subtype = subtype;
    }

    /** Call before writing a unit: opens the groups the unit goes into. */
    public void beforeUnit() {
        while (tree.depth() - base < levels) {
            tree.open(modality, subtype);
        }
    }

    /**
     * Call after a unit closed (or was written as a leaf), with its hash and whether the unit
     * forces a boundary (e.g. a blank line ends a paragraph group).
     */
    public void afterUnit(TreeWriter.Ref unit, boolean forceBoundary) throws IOException {
        TreeWriter.Ref child = unit;
        boolean force = forceBoundary;
        while (tree.depth() > base) {
            boolean boundary = force || tree.childCount() >= max
                    || (child != null && (child.hash().hashCode() & mask) == 0);
            if (!boundary) {
                return;
            }
            child = tree.close();
            force = false;
        }
    }

    /** Closes the groups still open. */
    public void finish() throws IOException {
        while (tree.depth() > base) {
            tree.close();
        }
    }
}
