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
    /** Ordinals of removed units (never reused: a unit that comes back gets a new one); copy on write. */
    private volatile java.util.BitSet removed = new java.util.BitSet();
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

    /** Ordinals handed out, removed units included; ordinals run from 0 to this. */
    public int size() {
        return size;
    }

    /** Units searchable now. */
    public int live() {
        return size - removed.cardinality();
    }

    public boolean removed(int ord) {
        return removed.get(ord);
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

    /**
     * Removes the units of these atoms (those present) from BM25, vectors and filters; they are
     * gone from every search that starts after this returns. Returns how many were present.
     */
    public synchronized int remove(java.util.Collection<Long> atomIds) {
        java.util.BitSet gone = (java.util.BitSet) removed.clone();
        List<Long> present = new ArrayList<>();
        for (Long id : atomIds) {
            Integer ord = ordByAtom.get(id);
            if (ord != null) {
                gone.set(ord);
                present.add(id);
            }
        }
        if (present.isEmpty()) {
            return 0;
        }
        removed = gone;
        for (Long id : present) {
            int ord = ordByAtom.remove(id);
            vectors.remove(ord);
        }
        text.remove(present);
        return present.size();
    }

    /** The atom ids of the units searchable now. */
    public List<Long> atomIds() {
        return new ArrayList<>(ordByAtom.keySet());
    }

    /** The filter as a test of ordinals. */
    public IntPredicate accept(Filter filter) {
        java.util.BitSet gone = removed;
        if (!filter.restricts()) {
            int n = size;
            return ord -> ord < n && !gone.get(ord);
        }
        Unit[] u = units;
        int n = size;
        return ord -> ord < n && !gone.get(ord) && filter.test(u[ord]);
    }

    /** How many units pass the filter (to choose exact or approximate search). */
    public int count(Filter filter) {
        if (!filter.restricts()) {
            return live();
        }
        java.util.BitSet gone = removed;
        Unit[] u = units;
        int n = size;
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (!gone.get(i) && filter.test(u[i])) {
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
