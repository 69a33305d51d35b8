package io.hartonomous.search.query;

import io.hartonomous.search.embed.Projection;
import io.hartonomous.search.index.Filter;
import io.hartonomous.search.index.Hit;
import io.hartonomous.search.index.TenantIndex;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the retrievers of a mode on one tenant's index and fuses them. Plain Java (the bench runs
 * it in process). Filters act inside each retriever. Vector KNN is exact when the candidates that
 * pass the filter are fewer than {@code exactBelow} (a graph walk through a sparse filter would
 * visit mostly rejected nodes) or when asked, and approximate on the jvector graph otherwise.
 */
public final class Retrieval {

    public static final String BM25 = "bm25";
    public static final String VECTOR = "vector";
    public static final String SPATIAL = "spatial";

    private final int exactBelow;
    private final int fusionDepth;

    public Retrieval(int exactBelow, int fusionDepth) {
        this.exactBelow = exactBelow;
        this.fusionDepth = fusionDepth;
    }

    /** What to retrieve. {@code vector} may be null for BM25. */
    public record Request(Mode mode, String text, float[] vector, int k, Filter filter, boolean exact, boolean scoreFusion,
                          double bm25Weight, double vectorWeight) {
    }

    /** The fused ranking (best first, at most k) and each retriever's own list. */
    public record Answer(List<Fusion.Fused> ranked, Map<String, List<Hit>> lists) {
    }

    public Answer run(TenantIndex index, Request r, Projection projection) {
        Map<String, List<Hit>> lists = new LinkedHashMap<>();
        int depth = r.mode() == Mode.HYBRID ? Math.max(r.k(), fusionDepth) : r.k();
        switch (r.mode()) {
            case BM25 -> lists.put(BM25, index.text().search(r.text(), depth, r.filter()));
            case VECTOR -> lists.put(VECTOR, vector(index, r.vector(), depth, r.filter(), r.exact()));
            case SPATIAL -> {
                Projection.Point p = projection.project(r.vector());
                lists.put(SPATIAL, index.vectors().spatial(new double[]{p.x(), p.y(), p.z()}, depth, index.accept(r.filter())));
            }
            case HYBRID -> {
                lists.put(BM25, index.text().search(r.text(), depth, r.filter()));
                lists.put(VECTOR, vector(index, r.vector(), depth, r.filter(), r.exact()));
            }
        }
        List<Fusion.Fused> ranked;
        if (r.mode() == Mode.HYBRID) {
            Map<String, Double> weights = Map.of(BM25, r.bm25Weight(), VECTOR, r.vectorWeight());
            ranked = r.scoreFusion() ? Fusion.scores(lists, weights) : Fusion.rrf(lists, weights);
        } else {
            ranked = Fusion.single(lists.values().iterator().next());
        }
        return new Answer(ranked.size() > r.k() ? ranked.subList(0, r.k()) : ranked, lists);
    }

    public List<Hit> vector(TenantIndex index, float[] q, int k, Filter filter, boolean exact) {
        var accept = index.accept(filter);
        if (exact || index.count(filter) < exactBelow) {
            return index.vectors().exact(q, k, accept);
        }
        return index.vectors().approximate(q, k, accept);
    }
}
