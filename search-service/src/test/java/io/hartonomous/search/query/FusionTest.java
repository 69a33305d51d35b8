package io.hartonomous.search.query;

import io.hartonomous.search.index.Hit;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FusionTest {

    private static Map<String, List<Hit>> lists() {
        Map<String, List<Hit>> lists = new LinkedHashMap<>();
        lists.put("bm25", List.of(new Hit(1, 9f), new Hit(2, 5f), new Hit(3, 1f)));
        lists.put("vector", List.of(new Hit(3, 0.9f), new Hit(1, 0.8f)));
        return lists;
    }

    @Test
    void rrfSumsWeightedReciprocalRanksWithK60() {
        List<Fusion.Fused> fused = Fusion.rrf(lists(), Map.of("bm25", 1.0, "vector", 1.0));
        assertThat(fused).extracting(Fusion.Fused::ord).containsExactly(1, 3, 2);
        assertThat(fused.getFirst().score()).isCloseTo(1.0 / 61 + 1.0 / 62, within(1e-12));
        List<Fusion.Fused> vectorHeavy = Fusion.rrf(lists(), Map.of("bm25", 0.1, "vector", 1.0));
        assertThat(vectorHeavy.getFirst().ord()).isEqualTo(3);
    }

    @Test
    void scoreFusionNormalizesEachListToUnitRange() {
        List<Fusion.Fused> fused = Fusion.scores(lists(), Map.of("bm25", 1.0, "vector", 1.0));
        // 1: bm25 1.0 + vector 0.0; 3: bm25 0.0 + vector 1.0; 2: bm25 0.5
        assertThat(fused).extracting(Fusion.Fused::ord).containsExactly(1, 3, 2);
        assertThat(fused.get(2).score()).isCloseTo(0.5, within(1e-9));
        Map<String, List<Hit>> single = Map.of("bm25", List.of(new Hit(7, 3f)));
        assertThat(Fusion.scores(single, Map.of()).getFirst().score()).isEqualTo(1.0);
    }

    @Test
    void reportsEachRetrieversOwnScore() {
        Map<Integer, Map<String, Double>> per = Fusion.perRetriever(lists());
        assertThat(per.get(1)).containsOnlyKeys("bm25", "vector");
        assertThat(per.get(2)).containsOnlyKeys("bm25");
    }
}
