package io.hartonomous.search.index;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntPredicate;

/**
 * One tenant's vectors of one model: exact KNN (a scan, the ground truth), approximate KNN on a
 * jvector graph (DiskANN-style, kept in memory, grown node by node as units arrive), and KNN over
 * the 3-D spatial points. Vectors are L2-normalized, so the dot product is the cosine. Ordinals
 * are the tenant index's; a unit without a vector has none here and is never returned.
 * Thread-safety: {@link #add} is called by one writer at a time; searches run concurrently.
 */
public final class VectorIndex {

    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
    private static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

    private final int dimensions;
    private final int searchBeam;
    private volatile VectorFloat<?>[] vectors = new VectorFloat<?>[1024];
    private volatile float[] points = new float[3 * 1024];
    private volatile boolean[] present = new boolean[1024];
    /** Ordinals below this may be read. */
    private volatile int bound;
    private final Values values = new Values();
    private final GraphIndexBuilder graph;

    public VectorIndex(int dimensions, int degree, int constructionBeam, int searchBeam) {
        this.dimensions = dimensions;
        this.searchBeam = searchBeam;
        this.graph = new GraphIndexBuilder(values, SIMILARITY, degree, constructionBeam, 1.2f, 1.2f, true);
    }

    public int dimensions() {
        return dimensions;
    }

    /** The number of ordinals that may carry a vector. */
    public int bound() {
        return bound;
    }

    public boolean has(int ord) {
        return ord < bound && present[ord];
    }

    /** Stores the vector and point of {@code ord} and links it into the graph. */
    public synchronized void add(int ord, float[] vector, double[] point) {
        store(ord, vector, point);
        graph.addGraphNode(ord, vectors[ord]);
    }

    /**
     * Takes {@code ord} out of every search. The graph keeps the node as a waypoint (marked deleted,
     * never returned), so links through it stay intact for concurrent searches.
     */
    public synchronized void remove(int ord) {
        if (has(ord)) {
            present[ord] = false;
            graph.markNodeDeleted(ord);
        }
    }

    /** Many at once (index rebuild): stored first, then linked into the graph in parallel. */
    public synchronized void addAll(List<Integer> ords, List<float[]> vecs, List<double[]> pts) {
        for (int i = 0; i < ords.size(); i++) {
            store(ords.get(i), vecs.get(i), pts.get(i));
        }
        ords.parallelStream().forEach(o -> graph.addGraphNode(o, vectors[o]));
    }

    private void store(int ord, float[] vector, double[] point) {
        if (vector.length != dimensions) {
            throw new IllegalArgumentException("expected " + dimensions + " dimensions, not " + vector.length);
        }
        ensure(ord + 1);
        vectors[ord] = VTS.createFloatVector(vector);
        float[] p = points;
        p[3 * ord] = (float) point[0];
        p[3 * ord + 1] = (float) point[1];
        p[3 * ord + 2] = (float) point[2];
        present[ord] = true;
        if (ord + 1 > bound) {
            bound = ord + 1;
        }
    }

    private void ensure(int size) {
        if (size <= vectors.length) {
            return;
        }
        int n = Math.max(size, vectors.length * 2);
        VectorFloat<?>[] v = java.util.Arrays.copyOf(vectors, n);
        float[] p = java.util.Arrays.copyOf(points, 3 * n);
        boolean[] pr = java.util.Arrays.copyOf(present, n);
        points = p;
        present = pr;
        vectors = v;
    }

    /** Exact KNN among the ordinals {@code accept} lets through: cosine similarity, best first. */
    public List<Hit> exact(float[] query, int k, IntPredicate accept) {
        VectorFloat<?> q = VTS.createFloatVector(query);
        int n = bound;
        VectorFloat<?>[] v = vectors;
        PriorityQueue<Hit> top = new PriorityQueue<>(k + 1, (a, b) -> Float.compare(a.score(), b.score()));
        for (int i = 0; i < n; i++) {
            VectorFloat<?> x = v[i];
            if (x == null || !present[i] || !accept.test(i)) {
                continue;
            }
            float s = cosine(SIMILARITY.compare(q, x));
            if (top.size() < k) {
                top.add(new Hit(i, s));
            } else if (s > top.peek().score()) {
                top.poll();
                top.add(new Hit(i, s));
            }
        }
        return sorted(top);
    }

    /** Approximate KNN on the graph; {@code accept} is consulted during the graph walk. */
    public List<Hit> approximate(float[] query, int k, IntPredicate accept) {
        int n = bound;
        boolean[] pr = present;
        Bits bits = i -> i < n && pr[i] && accept.test(i);
        SearchResult result = GraphSearcher.search(VTS.createFloatVector(query), k, Math.max(k, searchBeam), values,
                SIMILARITY, graph.getGraph(), bits);
        List<Hit> out = new ArrayList<>(result.getNodes().length);
        for (SearchResult.NodeScore ns : result.getNodes()) {
            out.add(new Hit(ns.node, cosine(ns.score)));
        }
        return out;
    }

    /**
     * KNN over the 3-D spatial points (Euclidean), the reference's sp_SemanticSearch: score is
     * {@code 1 / (1 + distance)}.
     */
    public List<Hit> spatial(double[] point, int k, IntPredicate accept) {
        int n = bound;
        float[] p = points;
        boolean[] pr = present;
        PriorityQueue<Hit> top = new PriorityQueue<>(k + 1, (a, b) -> Float.compare(a.score(), b.score()));
        for (int i = 0; i < n; i++) {
            if (!pr[i] || !accept.test(i)) {
                continue;
            }
            double dx = p[3 * i] - point[0];
            double dy = p[3 * i + 1] - point[1];
            double dz = p[3 * i + 2] - point[2];
            float s = (float) (1 / (1 + Math.sqrt(dx * dx + dy * dy + dz * dz)));
            if (top.size() < k) {
                top.add(new Hit(i, s));
            } else if (s > top.peek().score()) {
                top.poll();
                top.add(new Hit(i, s));
            }
        }
        return sorted(top);
    }

    /** The stored vector of an ordinal, or null. */
    public float[] vector(int ord) {
        if (!has(ord)) {
            return null;
        }
        VectorFloat<?> v = vectors[ord];
        float[] out = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    private static List<Hit> sorted(PriorityQueue<Hit> top) {
        List<Hit> out = new ArrayList<>(top);
        out.sort((a, b) -> Float.compare(b.score(), a.score()));
        return out;
    }

    /** jvector's DOT_PRODUCT score is (1 + dot) / 2. */
    private static float cosine(float score) {
        return 2 * score - 1;
    }

    public void close() throws IOException {
        graph.close();
    }

    /** The vectors as jvector reads them; ordinals without a vector are never asked for. */
    private final class Values implements RandomAccessVectorValues {
        @Override
        public int size() {
            return bound;
        }

        @Override
        public int dimension() {
            return dimensions;
        }

        @Override
        public VectorFloat<?> getVector(int ord) {
            return vectors[ord];
        }

        @Override
        public boolean isValueShared() {
            return false;
        }

        @Override
        public RandomAccessVectorValues copy() {
            return this;
        }
    }
}
