package io.hartonomous.search.embed;

import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.search.SearchConfig;
import io.hartonomous.search.store.AtomNode;
import io.hartonomous.search.store.AtomReadRepository;
import io.hartonomous.search.store.SearchRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The embedding model of this process: which Model row it is, its vectors and its 3-D projection.
 * {@link #load} runs once, on a worker thread at start; until it finishes {@link #ready()} is false
 * and embedding answers {@link ErrorCode#DEPENDENCY_UNAVAILABLE}.
 *
 * <p>In {@code store} mode the model is an atom of the system tenant: if no Model row of that
 * tenant has the seed file's hash, the seed is ingested through atom-service; then the bytes are
 * rebuilt from the atoms, checked against the hash, and loaded. The jar's copy is only the seed.
 */
@ApplicationScoped
public class Embedder {

    private static final Logger LOG = Logger.getLogger(Embedder.class);

    private final SearchConfig config;
    private final SearchRepository units;
    private final AtomReadRepository atoms;
    private final ModelIngestion ingestion;
    private final ExecutorService pool;
    private final Timer timer;
    private final Counter embedded;
    private volatile Loaded loaded;

    /** The loaded model. */
    public record Loaded(MiniLm model, int modelId, ContentHash file, Projection projection, String source) {
    }

    public Embedder(SearchConfig config, SearchRepository units, AtomReadRepository atoms, ModelIngestion ingestion,
                    MeterRegistry registry) {
        this.config = config;
        this.units = units;
        this.atoms = atoms;
        this.ingestion = ingestion;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "embedder");
            t.setDaemon(true);
            return t;
        });
        this.timer = Timer.builder("hartonomous_search_embedding_seconds").description("time to embed one batch of texts")
                .register(registry);
        this.embedded = Counter.builder("hartonomous_search_embedded_texts_total").description("texts embedded")
                .register(registry);
    }

    public boolean ready() {
        return loaded != null;
    }

    /** @throws HartonomousException DEPENDENCY_UNAVAILABLE while the model is loading */
    public Loaded model() {
        Loaded l = loaded;
        if (l == null) {
            throw new HartonomousException(ErrorCode.DEPENDENCY_UNAVAILABLE, "The embedding model is still loading; retry shortly.");
        }
        return l;
    }

    public float[] embed(String text) {
        Loaded l = model();
        return timer.record(() -> {
            embedded.increment();
            return l.model().embed(text);
        });
    }

    public List<float[]> embedAll(List<String> texts) {
        Loaded l = model();
        return timer.record(() -> {
            embedded.increment(texts.size());
            return l.model().embedAll(texts);
        });
    }

    /** Loads the model (idempotent). Blocking; call from a worker thread. */
    public synchronized Loaded load() {
        if (loaded != null) {
            return loaded;
        }
        SearchConfig.Model m = config.model();
        byte[] seed = MiniLm.seedBytes();
        ContentHash file = ContentHash.sha256(seed);
        MiniLm model;
        int modelId;
        if ("jar".equals(m.source())) {
            modelId = units.ensureSeedModel(m.systemTenant(), m.name(), file);
            model = MiniLm.fromJar(pool);
        } else {
            Optional<AtomReadRepository.ModelRow> row = atoms.modelByFile(m.systemTenant(), file);
            if (row.isEmpty()) {
                LOG.infof("storing the embedding model %s as atoms of the system tenant", m.name());
                ingestion.ingest(m.systemTenant(), m.name(), seed);
                row = atoms.modelByFile(m.systemTenant(), file);
            }
            modelId = row.orElseThrow(() -> new IllegalStateException("atom-service stored no Model row for " + m.name()))
                    .modelId();
            seed = null;
            model = MiniLm.fromFile(rebuild(m.systemTenant(), file), pool);
        }
        Projection projection = units.projection(modelId).orElseGet(() -> null);
        if (projection == null) {
            List<float[]> sample = model.embedAll(projectionSample());
            projection = units.saveProjection(modelId, Projection.fit(sample));
        }
        loaded = new Loaded(model, modelId, file, projection, m.source());
        LOG.infof("embedding model %s loaded from the %s (ModelId %d, file %s)", m.name(), m.source(), modelId, file.hex());
        return loaded;
    }

    /** Rebuilds the model file from the system tenant's atoms into a temporary file; checks its hash. */
    private Path rebuild(int tenant, ContentHash file) {
        Map<ContentHash, AtomNode> tree = new HashMap<>(atoms.atoms(tenant, List.of(file)));
        if (!tree.containsKey(file)) {
            throw new IllegalStateException("the model file " + file + " is not stored as an atom");
        }
        atoms.expand(tenant, tree, List.of(file));
        try {
            Path out = Files.createTempFile("model-" + file.hex().substring(0, 12), ".onnx");
            out.toFile().deleteOnExit();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (OutputStream os = new DigestOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(out)), sha)) {
                AtomReadRepository.write(tree, file, os);
            }
            ContentHash rebuilt = ContentHash.of(sha.digest());
            if (!rebuilt.equals(file)) {
                throw new IllegalStateException("the model rebuilt from atoms hashes to " + rebuilt + ", not " + file);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the rebuilt model", e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> projectionSample() {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                Embedder.class.getResourceAsStream("/search/projection-sample.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }
}
