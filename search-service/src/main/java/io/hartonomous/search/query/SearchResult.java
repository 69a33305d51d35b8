package io.hartonomous.search.query;

import java.util.List;
import java.util.Map;

/** The answer of /api/v1/search: results best first. */
public record SearchResult(String query, String mode, String fusion, List<Item> results, long tookMicros) {

    /**
     * One unit found: its atom, its fused score and each retriever's own score, a snippet of its
     * text, the ingestion root it belongs to, where it sits, and where atom-service serves its bytes.
     */
    public record Item(String hash, String modality, String subtype, String kind, double score, Map<String, Double> scores,
                       String snippet, String rootHash, String path, String content) {
    }
}
