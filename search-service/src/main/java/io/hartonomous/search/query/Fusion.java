package io.hartonomous.search.query;

import io.hartonomous.search.index.Hit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines ranked lists of several retrievers into one. Each list is best first; a unit may be in
 * any number of them.
 */
public final class Fusion {

    /** The RRF constant of Cormack, Clarke and Büttcher (2009). */
    public static final int RRF_K = 60;

    private Fusion() {
    }

    /** A fused result: the unit's ordinal and its fused score. */
    public record Fused(int ord, double score) {
    }

    /** Reciprocal Rank Fusion: {@code sum over lists of weight / (60 + rank)}, ranks from 1. */
    public static List<Fused> rrf(Map<String, List<Hit>> lists, Map<String, Double> weights) {
        Map<Integer, Double> score = new LinkedHashMap<>();
        lists.forEach((name, hits) -> {
            double w = weights.getOrDefault(name, 1.0);
            for (int r = 0; r < hits.size(); r++) {
                score.merge(hits.get(r).ord(), w / (RRF_K + r + 1), Double::sum);
            }
        });
        return sorted(score);
    }

    /**
     * Normalized score fusion: each list's scores min-max normalized to [0, 1] (a list of one, or of
     * equal scores, normalizes to 1), then summed with the weights; absent from a list counts 0.
     */
    public static List<Fused> scores(Map<String, List<Hit>> lists, Map<String, Double> weights) {
        Map<Integer, Double> score = new LinkedHashMap<>();
        lists.forEach((name, hits) -> {
            if (hits.isEmpty()) {
                return;
            }
            double w = weights.getOrDefault(name, 1.0);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (Hit h : hits) {
                min = Math.min(min, h.score());
                max = Math.max(max, h.score());
            }
            double range = max - min;
            for (Hit h : hits) {
                double n = range <= 0 ? 1.0 : (h.score() - min) / range;
                score.merge(h.ord(), w * n, Double::sum);
            }
        });
        return sorted(score);
    }

    /** One list as it is. */
    public static List<Fused> single(List<Hit> hits) {
        List<Fused> out = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            out.add(new Fused(h.ord(), h.score()));
        }
        return out;
    }

    /** Each unit's score in each list it appears in. */
    public static Map<Integer, Map<String, Double>> perRetriever(Map<String, List<Hit>> lists) {
        Map<Integer, Map<String, Double>> out = new HashMap<>();
        lists.forEach((name, hits) -> {
            for (Hit h : hits) {
                out.computeIfAbsent(h.ord(), o -> new LinkedHashMap<>()).put(name, (double) h.score());
            }
        });
        return out;
    }

    private static List<Fused> sorted(Map<Integer, Double> score) {
        List<Fused> out = new ArrayList<>(score.size());
        score.forEach((ord, s) -> out.add(new Fused(ord, s)));
        // ties: lower ordinal (earlier indexed) first, so results are deterministic
        out.sort((a, b) -> a.score() != b.score() ? Double.compare(b.score(), a.score()) : Integer.compare(a.ord(), b.ord()));
        return out;
    }
}
