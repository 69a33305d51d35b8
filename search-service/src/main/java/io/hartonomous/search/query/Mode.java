package io.hartonomous.search.query;

import java.util.Locale;

/** The retrievers of /api/v1/search. */
public enum Mode {
    /** KNN over the model's vectors (jvector graph, exact below a size). */
    VECTOR,
    /** BM25 over the units' BPE tokens. */
    BM25,
    /** BM25 and vector fused (RRF or normalized scores). */
    HYBRID,
    /** KNN over the 3-D projection of the vectors (the reference's sp_SemanticSearch). */
    SPATIAL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return null when {@code s} names no mode */
    public static Mode parse(String s) {
        for (Mode m : values()) {
            if (m.wire().equals(s)) {
                return m;
            }
        }
        return null;
    }
}
