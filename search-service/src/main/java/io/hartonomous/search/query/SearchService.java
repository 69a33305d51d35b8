package io.hartonomous.search.query;

import io.hartonomous.search.SearchConfig;
import io.hartonomous.search.embed.Embedder;
import io.hartonomous.search.index.Filter;
import io.hartonomous.search.index.Hit;
import io.hartonomous.search.index.Indexes;
import io.hartonomous.search.index.TenantIndex;
import io.hartonomous.search.index.Unit;
import io.hartonomous.search.metering.Usage;
import io.hartonomous.search.store.AtomReadRepository;
import io.hartonomous.search.store.SearchRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Searches of one tenant: embeds the query, runs {@link Retrieval} on the tenant's own index,
 * and hydrates the best units (their stored text gives the snippet; a unit deleted since it was
 * indexed is dropped here). Blocking; runs on worker threads.
 */
@ApplicationScoped
public class SearchService {

    static final int SNIPPET_CHARS = 240;

    private final SearchConfig config;
    private final Embedder embedder;
    private final Indexes indexes;
    private final SearchRepository units;
    private final AtomReadRepository atoms;
    private final Usage usage;
    private final Retrieval retrieval;
    private final MeterRegistry registry;

    public SearchService(SearchConfig config, Embedder embedder, Indexes indexes, SearchRepository units, AtomReadRepository atoms,
                         Usage usage, MeterRegistry registry) {
        this.config = config;
        this.embedder = embedder;
        this.indexes = indexes;
        this.units = units;
        this.atoms = atoms;
        this.usage = usage;
        this.registry = registry;
        this.retrieval = new Retrieval(config.index().exactBelow(), config.query().fusionDepth());
    }

    public SearchResult search(int tenant, SearchParams p) {
        long start = System.nanoTime();
        Filter filter = new Filter(p.modalities(), p.subtypes(),
                p.concept() == null ? null : atoms.conceptMembers(tenant, p.concept()), p.createdFrom(), p.createdTo());
        float[] vector = p.mode() == Mode.BM25 ? null : embedder.embed(p.q());
        List<SearchResult.Item> items = run(tenant, p, filter, vector);
        usage.record(tenant, Usage.SEARCHES, 1, "search:" + UUID.randomUUID());
        long micros = (System.nanoTime() - start) / 1000;
        Timer.builder("hartonomous_search_query_seconds").tag("mode", p.mode().wire()).register(registry)
                .record(java.time.Duration.ofNanos(micros * 1000));
        return new SearchResult(p.q(), p.mode().wire(), p.mode() == Mode.HYBRID ? (p.scoreFusion() ? "score" : "rrf") : null,
                items, micros);
    }

    /** One query, the best results of each modality the tenant has (or of the given ones). */
    public Map<String, List<SearchResult.Item>> crossModal(int tenant, String q, int k, Set<String> modalities) {
        float[] vector = embedder.embed(q);
        Map<String, List<SearchResult.Item>> out = new TreeMap<>();
        TenantIndex index = indexes.tenant(tenant).orElse(null);
        if (index == null) {
            return out;
        }
        Set<String> present = new java.util.TreeSet<>();
        for (int i = 0; i < index.size(); i++) {
            if (!index.removed(i)) {
                present.add(index.unit(i).modality());
            }
        }
        for (String m : present) {
            if (modalities != null && !modalities.contains(m)) {
                continue;
            }
            SearchParams p = new SearchParams(q, Mode.HYBRID, k, Set.of(m), null, null, null, null, false, null, null, false);
            List<SearchResult.Item> items = run(tenant, p, new Filter(Set.of(m), null, null, null, null), vector);
            if (!items.isEmpty()) {
                out.put(m, items);
            }
        }
        usage.record(tenant, Usage.SEARCHES, 1, "search:" + UUID.randomUUID());
        return out;
    }

    private List<SearchResult.Item> run(int tenant, SearchParams p, Filter filter, float[] vector) {
        TenantIndex index = indexes.tenant(tenant).orElse(null);
        if (index == null) {
            return List.of();
        }
        double wb = p.bm25Weight() == null ? config.query().bm25Weight() : p.bm25Weight();
        double wv = p.vectorWeight() == null ? config.query().vectorWeight() : p.vectorWeight();
        Retrieval.Answer answer = retrieval.run(index, new Retrieval.Request(p.mode(), p.q(), vector, p.k(), filter, p.exact(),
                p.scoreFusion(), wb, wv), embedder.model().projection());
        Map<Integer, Map<String, Double>> per = Fusion.perRetriever(answer.lists());
        List<Long> ids = new ArrayList<>();
        for (Fusion.Fused f : answer.ranked()) {
            ids.add(index.unit(f.ord()).atomId());
        }
        Map<Long, String> texts = units.texts(tenant, ids);
        List<String> terms = io.hartonomous.search.index.BpeAnalyzer.terms(p.q());
        List<SearchResult.Item> items = new ArrayList<>();
        for (Fusion.Fused f : answer.ranked()) {
            Unit u = index.unit(f.ord());
            String text = texts.get(u.atomId());
            if (text == null) {
                continue; // deleted since indexed
            }
            items.add(new SearchResult.Item(u.hash().hex(), u.modality(), u.subtype(), u.kind(), f.score(),
                    per.getOrDefault(f.ord(), Map.of()), snippet(text, terms), u.rootHash().hex(), u.path(),
                    "/api/v1/atoms/" + u.hash().hex() + "/content"));
        }
        return items;
    }

    /** About 240 characters of the text around its first word that is one of the query's terms. */
    static String snippet(String text, List<String> terms) {
        String lower = text.toLowerCase(Locale.ROOT);
        int at = -1;
        for (String t : terms) {
            if (t.length() < 3) {
                continue;
            }
            int i = lower.indexOf(t);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
            }
        }
        int from = at < 0 ? 0 : Math.max(0, at - 60);
        int to = Math.min(text.length(), from + SNIPPET_CHARS);
        String s = text.substring(from, to).replaceAll("\\s+", " ").strip();
        return (from > 0 ? "…" : "") + s + (to < text.length() ? "…" : "");
    }

    /** Per-dimension statistics of the active model's vectors of the given atoms. */
    public Map<String, Object> features(int tenant, List<io.hartonomous.common.hash.ContentHash> hashes) {
        Map<io.hartonomous.common.hash.ContentHash, float[]> vectors = units.vectors(tenant, embedder.model().modelId(), hashes);
        int d = io.hartonomous.search.embed.MiniLm.DIMENSIONS;
        double[] sum = new double[d];
        double[] sq = new double[d];
        double[] min = new double[d];
        double[] max = new double[d];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (float[] v : vectors.values()) {
            for (int i = 0; i < d; i++) {
                sum[i] += v[i];
                sq[i] += v[i] * v[i];
                min[i] = Math.min(min[i], v[i]);
                max[i] = Math.max(max[i], v[i]);
            }
        }
        int n = vectors.size();
        List<Map<String, Object>> dims = new ArrayList<>();
        for (int i = 0; n > 0 && i < d; i++) {
            double mean = sum[i] / n;
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("dimension", i);
            s.put("mean", mean);
            s.put("stddev", Math.sqrt(Math.max(0, sq[i] / n - mean * mean)));
            s.put("min", min[i]);
            s.put("max", max[i]);
            dims.add(s);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", embedder.model().modelId());
        out.put("atoms", n);
        out.put("missing", hashes.stream().filter(h -> !vectors.containsKey(h)).map(io.hartonomous.common.hash.ContentHash::hex).toList());
        out.put("dimensions", dims);
        return out;
    }

}
