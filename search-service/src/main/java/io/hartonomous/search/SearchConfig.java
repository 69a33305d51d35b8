package io.hartonomous.search;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code hartonomous.search.*}: the embedding model, the pipeline, the indexes and query limits. */
@ConfigMapping(prefix = "hartonomous.search")
public interface SearchConfig {

    Model model();

    Pipeline pipeline();

    Index index();

    Query query();

    EmbeddingComponents embeddingComponents();

    /**
     * dbo.AtomEmbeddingComponent: one row per dimension of each embedding the service stores, for
     * per-dimension analysis in SQL. Applies to the active embedding model (the service runs one);
     * off by default, as it multiplies the embedding rows by the model's dimensions (384).
     */
    interface EmbeddingComponents {
        @WithDefault("false")
        boolean enabled();
    }

    /** The embedding model and where its bytes come from. */
    interface Model {
        /**
         * {@code store}: the ONNX file is an atom of the system tenant (ingested through atom-service
         * once, from the jar's seed copy) and is rebuilt from its atoms; {@code jar}: the jar's copy
         * is used directly (unit tests, no atom-service).
         */
        @WithDefault("store")
        String source();

        /** The tenant that owns suite-wide models (never a customer's tenant). */
        @WithDefault("2147483647")
        int systemTenant();

        /** The model's file name, which is also its Model.ModelName. */
        @WithDefault("all-minilm-l6-v2-q.onnx")
        String name();
    }

    /** The catch-up scan and the embedding batches. */
    interface Pipeline {
        @WithDefault("true")
        boolean enabled();

        /** How often the catch-up scan looks for new ingestion roots. */
        @WithDefault("1s")
        Duration interval();

        /** Ingestion roots looked at per scan round. */
        @WithDefault("32")
        int rootBatch();

        /** Texts per call of the model. */
        @WithDefault("64")
        int embedBatch();

        /** Roots larger than this are indexed by their surrogate text only. */
        @WithDefault("4194304")
        long maxDocumentBytes();

        /** Characters of a unit's text fed to the model (MiniLM reads 256 word pieces anyway). */
        @WithDefault("1200")
        int embedChars();

        /** Characters of a unit's text kept for BM25 and snippets. */
        @WithDefault("32768")
        int storedChars();

        /** Parts shorter than this are not units of their own. */
        @WithDefault("40")
        int minPartChars();

        /** How often the scan starts over from the first root (commits out of id order, lost notifications). */
        @WithDefault("60s")
        Duration fullRescan();

        /**
         * How often the scan looks for units whose atoms died (every root holding them unpinned,
         * reference count 0) and removes them, with their embeddings, from the database and the
         * indexes. Units whose atoms garbage collection already deleted are dropped from the
         * in-memory indexes at each {@link #fullRescan}.
         */
        @WithDefault("5s")
        Duration sweepInterval();
    }

    /** The in-memory indexes. */
    interface Index {
        /** Below this many candidates (after filters) vector search is exact. */
        @WithDefault("2000")
        int exactBelow();

        /** jvector graph degree. */
        @WithDefault("16")
        int graphDegree();

        /** jvector construction beam width. */
        @WithDefault("100")
        int constructionBeam();

        /** jvector search beam (candidates kept while searching), at least k. */
        @WithDefault("100")
        int searchBeam();
    }

    /** Limits and defaults of /api/v1/search. */
    interface Query {
        @WithDefault("1000")
        int maxK();

        @WithDefault("2048")
        int maxQueryChars();

        /** Candidates each retriever contributes to a fusion, at least k. */
        @WithDefault("100")
        int fusionDepth();

        /** RRF weights tuned on bench/ (see README). */
        @WithDefault("1.0")
        double bm25Weight();

        @WithDefault("1.0")
        double vectorWeight();
    }
}
