package io.hartonomous.search.embed;

import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.search.SearchConfig;
import io.hartonomous.search.index.Indexes;
import io.hartonomous.search.index.TenantIndex;
import io.hartonomous.search.index.Unit;
import io.hartonomous.search.metering.Usage;
import io.hartonomous.search.store.AtomNode;
import io.hartonomous.search.store.AtomReadRepository;
import io.hartonomous.search.store.RootRecord;
import io.hartonomous.search.store.SearchRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the indexes level with the store. At start (on its own thread) it loads the model and
 * rebuilds the indexes from the database; then a catch-up scan every second finds ingestion roots
 * without a SearchUnit (any tenant, in RootId order, bounded batches), extracts their units,
 * embeds them in batches on the embedder's workers, stores units and embeddings set-based in one
 * transaction and adds them to the tenant's indexes. A notification from atom-service
 * ({@link #wake}) only starts a round at once; the scan alone is enough for correctness, and it
 * starts over from the first root every {@code full-rescan} in case a root committed out of id order.
 * Every {@code sweep-interval} it removes the units of atoms that died (their roots unpinned), and
 * every {@code full-rescan} it drops from its indexes the units that garbage collection deleted.
 */
@ApplicationScoped
public class EmbeddingPipeline {

    private static final Logger LOG = Logger.getLogger(EmbeddingPipeline.class);
    /** Units looked at per statement when removing. */
    static final int REMOVE_BATCH = 2000;

    private final SearchConfig config;
    private final Embedder embedder;
    private final Indexes indexes;
    private final AtomReadRepository atoms;
    private final SearchRepository units;
    private final Usage usage;
    private final Extractor extractor;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "embedding-pipeline");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Counter roots;
    private final Counter failures;
    private final Counter removed;
    private volatile boolean started;
    private volatile String startupFailure;
    private long cursor;
    private Instant lastFullScan = Instant.now();
    private Instant lastSweep = Instant.EPOCH;

    public EmbeddingPipeline(SearchConfig config, Embedder embedder, Indexes indexes, AtomReadRepository atoms,
                             SearchRepository units, Usage usage, MeterRegistry registry) {
        this.config = config;
        this.embedder = embedder;
        this.indexes = indexes;
        this.atoms = atoms;
        this.units = units;
        this.usage = usage;
        this.extractor = new Extractor(config.pipeline().storedChars(), config.pipeline().minPartChars());
        this.roots = Counter.builder("hartonomous_search_roots_indexed_total").description("ingestion roots indexed")
                .register(registry);
        this.failures = Counter.builder("hartonomous_search_pipeline_failures_total").description("failed pipeline rounds")
                .register(registry);
        this.removed = Counter.builder("hartonomous_search_units_removed_total")
                .description("units removed from the indexes because their atoms died or were collected").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        worker.submit(() -> {
            for (int attempt = 0; !started; attempt++) {
                try {
                    Embedder.Loaded model = embedder.load();
                    indexes.rebuild(model.modelId(), MiniLm.DIMENSIONS);
                    warmUp(model);
                    started = true;
                    startupFailure = null;
                } catch (RuntimeException e) {
                    startupFailure = e.getMessage();
                    LOG.errorf(e, "search-service could not start its indexes (attempt %d); retrying", attempt + 1);
                    sleep(Math.min(30_000, 1000L << Math.min(attempt, 5)));
                }
            }
            catchUp();
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        worker.shutdownNow();
    }

    /** Loads the index classes and runs the model once, so that the first ingestion and query do not pay for it. */
    private void warmUp(Embedder.Loaded model) {
        float[] v = embedder.embed("warm up");
        Projection.Point p = model.projection().project(v);
        try (TenantIndex scratch = new TenantIndex(0, v.length, 4, 10, 10)) {
            scratch.add(List.of(new TenantIndex.Entry(new Unit(0, ContentHash.sha256(new byte[1]), "text", "document", 0,
                    ContentHash.sha256(new byte[1]), "document", "", ""), "warm up", v, new double[]{p.x(), p.y(), p.z()})));
            scratch.text().search("warm up", 1, io.hartonomous.search.index.Filter.NONE);
            scratch.vectors().approximate(v, 1, i -> true);
        } catch (java.io.IOException e) {
            LOG.debug("scratch index", e);
        }
    }

    /** Model loaded and indexes rebuilt. */
    public boolean started() {
        return started;
    }

    public String startupFailure() {
        return startupFailure;
    }

    /** Runs a catch-up round soon (a notification, or the schedule). */
    public void wake() {
        if (started && queued.compareAndSet(false, true)) {
            worker.submit(() -> {
                queued.set(false);
                catchUp();
            });
        }
    }

    @Scheduled(every = "${hartonomous.search.pipeline.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (config.pipeline().enabled()) {
            wake();
        }
    }

    /** Rounds until no root is left, at most a bounded number per call so notifications interleave. */
    void catchUp() {
        if (!config.pipeline().enabled()) {
            return;
        }
        try {
            if (Instant.now().isAfter(lastSweep.plus(config.pipeline().sweepInterval()))) {
                lastSweep = Instant.now();
                removeDead();
            }
            if (Instant.now().isAfter(lastFullScan.plus(config.pipeline().fullRescan()))) {
                cursor = 0;
                lastFullScan = Instant.now();
                dropCollected();
                embedMissing();
            }
            for (int round = 0; round < 50; round++) {
                List<RootRecord> batch = atoms.unindexedRoots(cursor, config.pipeline().rootBatch());
                if (batch.isEmpty()) {
                    return;
                }
                process(batch);
                cursor = batch.getLast().rootId();
                if (batch.size() < config.pipeline().rootBatch()) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            failures.increment();
            LOG.errorf(e, "embedding round failed; the next scan retries");
        }
    }

    /** Extracts, embeds, stores and indexes one batch of roots. */
    void process(List<RootRecord> batch) {
        long start = System.nanoTime();
        Map<String, RootRecord> distinct = new LinkedHashMap<>();
        for (RootRecord r : batch) {
            distinct.putIfAbsent(r.tenant() + ":" + r.atomId(), r);
        }
        Map<Integer, List<RootRecord>> byTenant = new LinkedHashMap<>();
        for (RootRecord r : distinct.values()) {
            byTenant.computeIfAbsent(r.tenant(), t -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<Integer, List<RootRecord>> e : byTenant.entrySet()) {
            int tenant = e.getKey();
            List<Pending> found = new ArrayList<>();
            List<RootRecord> textual = new ArrayList<>();
            for (RootRecord r : e.getValue()) {
                if (Extractor.textBearing(r, config.pipeline().maxDocumentBytes())) {
                    textual.add(r);
                } else {
                    found.add(new Pending(r, extractor.surrogate(r, describeModel(tenant, r))));
                }
            }
            if (!textual.isEmpty()) {
                Map<ContentHash, AtomNode> tree = new HashMap<>();
                for (RootRecord r : textual) {
                    tree.put(r.hash(), new AtomNode(r.hash(), r.atomId(), r.length(), r.preview(), r.modality(), r.subtype(),
                            List.of()));
                }
                atoms.expand(tenant, tree, tree.keySet().stream().toList());
                for (RootRecord r : textual) {
                    for (Extractor.Extracted x : extractor.document(r, tree)) {
                        found.add(new Pending(r, x));
                    }
                }
            }
            long read = System.nanoTime();
            int embedded = store(tenant, found);
            roots.increment(e.getValue().size());
            LOG.debugf("tenant %d: %d roots, %d units (%d embedded) indexed in %d ms (read %d ms)", tenant, e.getValue().size(),
                    found.size(), embedded, (System.nanoTime() - start) / 1_000_000, (read - start) / 1_000_000);
        }
    }

    private record Pending(RootRecord root, Extractor.Extracted unit) {
    }

    private int store(int tenant, List<Pending> found) {
        Embedder.Loaded model = embedder.model();
        TenantIndex existing = indexes.tenant(tenant).orElse(null);
        List<Pending> toEmbed = new ArrayList<>();
        Map<Long, Pending> distinct = new LinkedHashMap<>();
        for (Pending p : found) {
            if (distinct.putIfAbsent(p.unit().atomId(), p) == null) {
                Integer ord = existing == null ? null : existing.ordOf(p.unit().atomId());
                if (ord == null || !existing.vectors().has(ord)) {
                    toEmbed.add(p);
                }
            }
        }
        int chars = config.pipeline().embedChars();
        List<float[]> vectors = new ArrayList<>(toEmbed.size());
        int batch = config.pipeline().embedBatch();
        for (int i = 0; i < toEmbed.size(); i += batch) {
            List<String> texts = toEmbed.subList(i, Math.min(toEmbed.size(), i + batch)).stream()
                    .map(p -> clip(p.unit().text(), chars)).toList();
            vectors.addAll(embedder.embedAll(texts));
        }
        Map<Long, float[]> vectorOf = new HashMap<>();
        for (int i = 0; i < toEmbed.size(); i++) {
            vectorOf.put(toEmbed.get(i).unit().atomId(), vectors.get(i));
        }
        List<SearchRepository.NewUnit> rows = new ArrayList<>();
        List<TenantIndex.Entry> entries = new ArrayList<>();
        long now = Instant.now().toEpochMilli();
        for (Pending p : distinct.values()) {
            Extractor.Extracted x = p.unit();
            float[] v = vectorOf.get(x.atomId());
            Projection.Point point = v == null ? null : model.projection().project(v);
            rows.add(new SearchRepository.NewUnit(tenant, x.atomId(), p.root().hash(), x.kind(), x.path(), x.text(), v, point));
            long created = p.root().createdAt() == null ? now : p.root().createdAt().toInstant(ZoneOffset.UTC).toEpochMilli();
            entries.add(new TenantIndex.Entry(new Unit(x.atomId(), x.hash(), x.modality(), x.subtype(), created, p.root().hash(),
                    x.kind(), x.path(), io.hartonomous.search.index.Indexes.preview(x.text())), x.text(), v,
                    point == null ? null : new double[]{point.x(), point.y(), point.z()}));
        }
        units.store(model.modelId(), rows);
        indexes.add(tenant, entries);
        if (!toEmbed.isEmpty()) {
            usage.record(tenant, Usage.EMBEDDINGS, toEmbed.size(), "embeddings:" + model.modelId() + ":" + tenant + ":"
                    + toEmbed.getFirst().unit().atomId() + ":" + toEmbed.size());
        }
        return toEmbed.size();
    }

    /**
     * Deletes the units (with their embeddings) of atoms that died since they were indexed, and
     * drops them from this instance's indexes. A batch per statement, a transaction per tenant.
     */
    void removeDead() {
        int batch = REMOVE_BATCH;
        for (int round = 0; round < 100; round++) {
            List<SearchRepository.UnitKey> dead = units.deadUnits(batch);
            Map<Integer, List<Long>> byTenant = new LinkedHashMap<>();
            dead.forEach(k -> byTenant.computeIfAbsent(k.tenant(), t -> new ArrayList<>()).add(k.atomId()));
            byTenant.forEach((tenant, ids) -> {
                List<Long> gone = units.deleteDead(tenant, ids);
                int n = indexes.remove(tenant, gone);
                removed.increment(n);
                LOG.debugf("tenant %d: %d dead units removed (%d were indexed here)", (Object) tenant, gone.size(), n);
            });
            if (dead.size() < batch) {
                return;
            }
        }
    }

    /**
     * Drops from this instance's indexes the units whose rows are gone: deleted with their atoms by
     * garbage collection (a cascade), or by another instance's {@link #removeDead}. Until then a
     * search already skips them (it hydrates hits from the rows).
     */
    void dropCollected() {
        for (int tenant : indexes.tenantIds()) {
            List<Long> ids = indexes.tenant(tenant).map(TenantIndex::atomIds).orElse(List.of());
            for (int i = 0; i < ids.size(); i += REMOVE_BATCH) {
                List<Long> part = ids.subList(i, Math.min(ids.size(), i + REMOVE_BATCH));
                java.util.Set<Long> existing = units.existingUnits(tenant, part);
                List<Long> gone = part.stream().filter(id -> !existing.contains(id)).toList();
                removed.increment(indexes.remove(tenant, gone));
            }
        }
    }

    /** Units stored without an embedding under the active model (a model switch, a crash between steps). */
    private void embedMissing() {
        Embedder.Loaded model = embedder.model();
        for (int round = 0; round < 100; round++) {
            List<SearchRepository.Pending> missing = units.missingEmbeddings(model.modelId(), config.pipeline().embedBatch() * 4);
            if (missing.isEmpty()) {
                return;
            }
            Map<Integer, List<SearchRepository.Pending>> byTenant = new LinkedHashMap<>();
            missing.forEach(m -> byTenant.computeIfAbsent(m.tenant(), t -> new ArrayList<>()).add(m));
            byTenant.forEach((tenant, list) -> {
                List<float[]> vectors = embedder.embedAll(list.stream().map(m -> clip(m.text(), config.pipeline().embedChars())).toList());
                List<SearchRepository.NewUnit> rows = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    rows.add(new SearchRepository.NewUnit(tenant, list.get(i).atomId(), null, null, null, null, vectors.get(i),
                            model.projection().project(vectors.get(i))));
                }
                units.store(model.modelId(), rows);
                TenantIndex index = indexes.tenant(tenant).orElse(null);
                if (index != null) {
                    for (int i = 0; i < list.size(); i++) {
                        Integer ord = index.ordOf(list.get(i).atomId());
                        if (ord != null && !index.vectors().has(ord)) {
                            Projection.Point p = rows.get(i).point();
                            index.vectors().add(ord, vectors.get(i), new double[]{p.x(), p.y(), p.z()});
                        }
                    }
                }
                usage.record(tenant, Usage.EMBEDDINGS, list.size(), "embeddings:" + model.modelId() + ":" + tenant + ":"
                        + list.getFirst().atomId() + ":" + list.size());
            });
        }
    }

    private String describeModel(int tenant, RootRecord r) {
        if (!"model".equals(r.modality())) {
            return null;
        }
        return atoms.modelByFile(tenant, r.hash()).map(m -> "model " + m.name() + " " + m.type()
                + (m.architecture() == null ? "" : " " + m.architecture())
                + (m.parameterCount() == null ? "" : " " + m.parameterCount() + " parameters")
                + "\nlayers: " + String.join("; ", atoms.layers(m.modelId(), 64))).orElse(null);
    }

    static String clip(String s, int chars) {
        return s.length() <= chars ? s : s.substring(0, chars);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
