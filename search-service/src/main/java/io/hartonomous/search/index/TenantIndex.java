package io.hartonomous.search.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * Everything searchable of one tenant under the active embedding model: its units by ordinal, a
 * BM25 index and a vector index. Nothing in it belongs to another tenant, and every search of a
 * request runs on the caller's tenant's instance only. One writer at a time ({@link #add}),
 * concurrent readers.
 */
public final class TenantIndex implements AutoCloseable {

    private final int tenant;
    private volatile Unit[] units = new Unit[256];
    private volatile int size;
    private final Map<Long, Integer> ordByAtom = new ConcurrentHashMap<>();
    private final TextIndex text = new TextIndex();
    private final VectorIndex vectors;

    /** A unit to add: metadata, text for BM25, and its vector and point when it has been embedded. */
    public record Entry(Unit unit, String text, float[] vector, double[] point) {
    }

    public TenantIndex(int tenant, int dimensions, int degree, int constructionBeam, int searchBeam) {
        this.tenant = tenant;
        this.vectors = new VectorIndex(dimensions, degree, constructionBeam, searchBeam);
    }

    public int tenant() {
        return tenant;
    }

    public int size() {
        return size;
    }

    public Unit unit(int ord) {
        return units[ord];
    }

    public Integer ordOf(long atomId) {
        return ordByAtom.get(atomId);
    }

    public TextIndex text() {
        return text;
    }

    public VectorIndex vectors() {
        return vectors;
    }

    /**
     * Adds units; a unit already present only gains its vector if it had none. Units become
     * visible to searches when this returns.
     */
    public synchronized void add(List<Entry> entries) {
        List<Integer> newOrds = new ArrayList<>();
        List<Unit> newUnits = new ArrayList<>();
        List<String> newTexts = new ArrayList<>();
        List<Integer> vecOrds = new ArrayList<>();
        List<float[]> vecs = new ArrayList<>();
        List<double[]> pts = new ArrayList<>();
        Unit[] u = units;
        int n = size;
        java.util.BitSet queued = new java.util.BitSet();
        for (Entry e : entries) {
            Integer ord = ordByAtom.get(e.unit().atomId());
            if (ord == null) {
                if (n == u.length) {
                    u = Arrays.copyOf(u, u.length * 2);
                }
                ord = n++;
                u[ord] = e.unit();
                newOrds.add(ord);
                newUnits.add(e.unit());
                newTexts.add(e.text() == null ? "" : e.text());
            }
            if (e.vector() != null && !vectors.has(ord) && !queued.get(ord)) {
                queued.set(ord);
                vecOrds.add(ord);
                vecs.add(e.vector());
                pts.add(e.point());
            }
        }
        units = u;
        size = n;
        for (int i = 0; i < newOrds.size(); i++) {
            ordByAtom.put(newUnits.get(i).atomId(), newOrds.get(i));
        }
        if (!newOrds.isEmpty()) {
            text.add(newOrds, newUnits, newTexts);
        }
        if (vecOrds.size() > 64) {
            vectors.addAll(vecOrds, vecs, pts);
        } else {
            for (int i = 0; i < vecOrds.size(); i++) {
                vectors.add(vecOrds.get(i), vecs.get(i), pts.get(i));
            }
        }
    }

    /** The filter as a test of ordinals. */
    public IntPredicate accept(Filter filter) {
        if (!filter.restricts()) {
            return ord -> ord < size;
        }
        Unit[] u = units;
        int n = size;
        return ord -> ord < n && filter.test(u[ord]);
    }

    /** How many units pass the filter (to choose exact or approximate search). */
    public int count(Filter filter) {
        if (!filter.restricts()) {
            return size;
        }
        Unit[] u = units;
        int n = size;
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (filter.test(u[i])) {
                c++;
            }
        }
        return c;
    }

    @Override
    public void close() throws IOException {
        text.close();
        vectors.close();
    }
}
