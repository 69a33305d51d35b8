package io.hartonomous.atom.atomize.model;

import java.io.IOException;

/**
 * Fixed fan-out levels above a stream of units (rows, row groups, segments): each level takes at
 * most {@code fanout} children, and as many levels are opened as the expected unit count needs.
 * Positions inside a tensor are fixed by its shape, so fixed boundaries (not content-defined
 * ones) keep a row's atom the same wherever the tensor sits.
 */
final class FanOut {

    private final Tap tap;
    private final int fanout;
    private final String subtype;
    private final int base;
    private final int levels;
    private final int[] counts;

    FanOut(Tap tap, long expectedUnits, int fanout, String subtype) {
        this.tap = tap;
        this.fanout = fanout;
        this.subtype = subtype;
        this.base = tap.tree().depth();
        int d = 0;
        for (long capacity = fanout; capacity < expectedUnits; capacity = Math.multiplyHigh(capacity, fanout) != 0
                ? Long.MAX_VALUE : capacity * fanout) {
            d++;
        }
        this.levels = d;
        this.counts = new int[d + 1];
    }

    /** Call before writing a unit: opens the levels it goes into. */
    void before() throws IOException {
        while (tap.tree().depth() - base < levels) {
            tap.open(subtype);
        }
    }

    /** Call after a unit was written (as a level already closed, or a leaf). */
    void after() throws IOException {
        counts[0]++;
        for (int i = 0; i < levels && counts[i] == fanout; i++) {
            tap.close();
            counts[i] = 0;
            counts[i + 1]++;
        }
    }

    void finish() throws IOException {
        while (tap.tree().depth() > base) {
            tap.close();
        }
    }
}
