package io.hartonomous.search.index;

import io.hartonomous.search.SearchConfig;
import io.hartonomous.search.store.SearchRepository;
import io.hartonomous.search.store.UnitRecord;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory indexes of every tenant under the active model, rebuilt from the database at start
 * ({@link #rebuild}) and grown as the pipeline stores units. The database stays the only source of
 * truth; these are caches of it.
 */
@ApplicationScoped
public class Indexes {

    private static final Logger LOG = Logger.getLogger(Indexes.class);
    static final int PREVIEW_CHARS = 300;

    private final SearchConfig config;
    private final SearchRepository repository;
    private final Map<Integer, TenantIndex> tenants = new ConcurrentHashMap<>();
    private volatile boolean loaded;
    private volatile int dimensions;

    public Indexes(SearchConfig config, SearchRepository repository, MeterRegistry registry) {
        this.config = config;
        this.repository = repository;
        Gauge.builder("hartonomous_search_indexed_units", tenants, t -> t.values().stream().mapToInt(TenantIndex::live).sum())
                .description("units in the in-memory indexes").register(registry);
    }

    public boolean loaded() {
        return loaded;
    }

    /** The tenant's index, if it has any unit. */
    public Optional<TenantIndex> tenant(int tenant) {
        return Optional.ofNullable(tenants.get(tenant));
    }

    TenantIndex create(int tenant) {
        SearchConfig.Index c = config.index();
        return tenants.computeIfAbsent(tenant, t -> new TenantIndex(t, dimensions, c.graphDegree(), c.constructionBeam(), c.searchBeam()));
    }

    /** Loads every tenant's units and vectors of {@code modelId} from the database. Blocking. */
    public void rebuild(int modelId, int dims) {
        this.dimensions = dims;
        long start = System.nanoTime();
        int tenant = 0;
        long atom = 0;
        long count = 0;
        while (true) {
            List<UnitRecord> page = repository.unitsAfter(modelId, tenant, atom);
            if (page.isEmpty()) {
                break;
            }
            Map<Integer, List<TenantIndex.Entry>> byTenant = new java.util.LinkedHashMap<>();
            for (UnitRecord r : page) {
                byTenant.computeIfAbsent(r.tenant(), t -> new ArrayList<>()).add(entry(r));
            }
            byTenant.forEach((t, entries) -> create(t).add(entries));
            UnitRecord last = page.getLast();
            tenant = last.tenant();
            atom = last.atomId();
            count += page.size();
        }
        loaded = true;
        LOG.infof("indexes rebuilt from the database: %d units of %d tenants in %d ms", count, tenants.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Adds stored units of one tenant. */
    public void add(int tenant, List<TenantIndex.Entry> entries) {
        create(tenant).add(entries);
    }

    /** Removes units of one tenant from its indexes; returns how many were there. */
    public int remove(int tenant, java.util.Collection<Long> atomIds) {
        TenantIndex index = tenants.get(tenant);
        return index == null || atomIds.isEmpty() ? 0 : index.remove(atomIds);
    }

    /** Tenants that have an index. */
    public java.util.Set<Integer> tenantIds() {
        return java.util.Set.copyOf(tenants.keySet());
    }

    public static TenantIndex.Entry entry(UnitRecord r) {
        return new TenantIndex.Entry(new Unit(r.atomId(), r.hash(), r.modality(), r.subtype(),
                r.createdAt() == null ? 0 : r.createdAt().toInstant(ZoneOffset.UTC).toEpochMilli(), r.rootHash(), r.kind(),
                r.path(), preview(r.text())), r.text(), r.vector(), r.spatial());
    }

    public static String preview(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= PREVIEW_CHARS ? text : text.substring(0, PREVIEW_CHARS);
    }
}
