package io.hartonomous.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.hartonomous.common.auth.JwtSigner;
import io.hartonomous.common.auth.PemKeys;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.vector.Float32Vectors;
import io.hartonomous.search.embed.MiniLm;
import io.hartonomous.search.embed.Projection;
import io.hartonomous.search.index.Filter;
import io.hartonomous.search.index.Hit;
import io.hartonomous.search.index.TenantIndex;
import io.hartonomous.search.index.Unit;
import io.hartonomous.search.index.VectorIndex;
import io.hartonomous.search.query.Fusion;
import io.hartonomous.search.query.Mode;
import io.hartonomous.search.query.Retrieval;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * search-service evaluation. Part 1 (quality, in process, same classes as the service): MRR@10 and
 * nDCG@10 of bm25, vector and hybrid on bench/eval/manpages (documents and queries written by the
 * authors of the machine's man pages; each query is a page's NAME description, the relevant document
 * the rest of that page). Part 2 (scale, -Dbench.units, default 100000 real paragraphs of the
 * machine's docs): embedding throughput of the pipeline path vs the model's raw rate, ANN and
 * spatial recall@10 vs exact, and search latency over REST of the packaged service at that size.
 */
public final class SearchBench {

    static final String COMMAND = "./mvnw -B -q -pl common,search-service,bench -am install -DskipTests && "
            + "./mvnw -B -q -pl bench exec:java -Dexec.mainClass=io.hartonomous.bench.SearchBench";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Characters per unit of the scale corpus: a paragraph, cut at a word boundary (about 100 word pieces). */
    static final int CHUNK = Integer.getInteger("bench.chunkChars", 480);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    private final List<String> report = new ArrayList<>() {
        @Override
        public boolean add(String line) {
            System.out.println(line);
            return super.add(line);
        }
    };

    public static void main(String[] args) throws Exception {
        new SearchBench().run();
        System.exit(0);
    }

    void run() throws Exception {
        Path root = root();
        MiniLm model = MiniLm.fromJar(pool);
        quality(root, model);
        int units = Integer.getInteger("bench.units", 100_000);
        if (units > 0) {
            scale(root, model, units);
        }
        System.out.println();
        System.out.println("== SearchBench (" + Runtime.getRuntime().availableProcessors() + " cores; client, service and database on one machine)");
        report.forEach(System.out::println);
        System.out.println("reproduce: " + Reproduce.command(COMMAND) + "  (defaults: -Dbench.units=100000 -Dbench.queries=300 -Dbench.chunkChars=480)");
    }

    // ------------------------------------------------------------------ part 1: quality

    record Doc(String id, String name, String text) {
    }

    record Query(String text, int relevant) {
    }

    void quality(Path root, MiniLm model) throws IOException {
        Path dir = root.resolve("bench/eval/manpages");
        List<Doc> docs = new ArrayList<>();
        Map<String, Integer> byId = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("docs.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            byId.put(n.get("id").asText(), docs.size());
            docs.add(new Doc(n.get("id").asText(), n.get("name").asText(), n.get("text").asText()));
        }
        List<Query> queries = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("queries.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            queries.add(new Query(n.get("query").asText(), byId.get(n.get("relevant").asText())));
        }
        // units as the service makes them: the document (name + text) and its paragraphs
        List<String> texts = new ArrayList<>();
        List<Integer> docOf = new ArrayList<>();
        List<String> subtype = new ArrayList<>();
        for (int d = 0; d < docs.size(); d++) {
            Doc doc = docs.get(d);
            texts.add(doc.name().replaceAll("[_\\-./]+", " ").strip() + "\n" + doc.text());
            docOf.add(d);
            subtype.add("document");
            int parts = 0;
            for (String p : doc.text().split("\n\n")) {
                if (p.strip().length() >= 40 && parts < 8) {
                    texts.add(p.strip());
                    docOf.add(d);
                    subtype.add("block");
                    parts++;
                }
            }
        }
        long t0 = System.nanoTime();
        Path cache = root.resolve("bench/target/eval-" + texts.size() + ".vectors");
        List<float[]> vectors;
        if (Files.exists(cache)) {
            vectors = readVectors(cache, texts.size());
        } else {
            vectors = embedAll(model, texts.stream().map(t -> t.length() <= 1200 ? t : t.substring(0, 1200)).toList());
            writeVectors(cache, vectors);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Projection projection = Projection.fit(vectors.subList(0, Math.min(vectors.size(), 512)));
        TenantIndex index = new TenantIndex(1, MiniLm.DIMENSIONS, 16, 100, 100);
        List<TenantIndex.Entry> entries = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Projection.Point p = projection.project(vectors.get(i));
            entries.add(new TenantIndex.Entry(new Unit(i, ContentHash.sha256(Integer.toString(i).getBytes()), "text", subtype.get(i), 0,
                    ContentHash.sha256(Integer.toString(docOf.get(i)).getBytes()), "unit", "", ""), texts.get(i), vectors.get(i),
                    new double[]{p.x(), p.y(), p.z()}));
        }
        index.add(entries);
        List<float[]> qv = embedAll(model, queries.stream().map(Query::text).toList());
        Retrieval retrieval = new Retrieval(2000, 100);
        System.out.printf("eval set: %d documents (%d units embedded in %.1f s), %d queries%n", docs.size(), texts.size(), seconds,
                queries.size());

        record Score(double mrr, double ndcg) {
        }
        // rank (1-based, 0 = not in top 10) of each query's relevant document, per configuration
        java.util.function.Function<java.util.function.IntFunction<Retrieval.Request>, int[]> ranks = make -> {
            int[] out = new int[queries.size()];
            for (int q = 0; q < queries.size(); q++) {
                Retrieval.Answer a = retrieval.run(index, make.apply(q), projection);
                List<Integer> seen = new ArrayList<>();
                for (Fusion.Fused f : a.ranked()) {
                    int d = docOf.get(f.ord());
                    if (!seen.contains(d)) {
                        seen.add(d);
                    }
                    if (seen.size() == 10) {
                        break;
                    }
                }
                int r = seen.indexOf(queries.get(q).relevant());
                out[q] = r < 0 ? 0 : r + 1;
            }
            return out;
        };
        java.util.function.BiFunction<int[], Integer, Score> score = (r, parity) -> {
            double mrr = 0;
            double ndcg = 0;
            int n = 0;
            for (int q = 0; q < r.length; q++) {
                if (parity >= 0 && q % 2 != parity) {
                    continue;
                }
                n++;
                if (r[q] > 0) {
                    mrr += 1.0 / r[q];
                    ndcg += 1.0 / (Math.log(r[q] + 1) / Math.log(2));
                }
            }
            return new Score(mrr / n, ndcg / n);
        };
        int depth = 100;
        int[] bm25 = ranks.apply(q -> new Retrieval.Request(Mode.BM25, queries.get(q).text(), null, depth, Filter.NONE, false, false, 1, 1));
        int[] vector = ranks.apply(q -> new Retrieval.Request(Mode.VECTOR, queries.get(q).text(), qv.get(q), depth, Filter.NONE, true,
                false, 1, 1));
        int[] spatial = ranks.apply(q -> new Retrieval.Request(Mode.SPATIAL, queries.get(q).text(), qv.get(q), depth, Filter.NONE,
                false, false, 1, 1));
        // tune each fusion's BM25 weight (vector weight 1) on the even-numbered queries, report on the odd ones and on all
        double[] grid = {0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0};
        Map<String, double[]> best = new LinkedHashMap<>();
        StringBuilder tuning = new StringBuilder();
        for (boolean scoreFusion : new boolean[]{false, true}) {
            String name = scoreFusion ? "score" : "rrf";
            double bestW = 1;
            double bestMrr = -1;
            tuning.append("tuning ").append(name).append(" on even queries (wBm25 -> MRR@10):");
            for (double w : grid) {
                int[] r = ranks.apply(q -> new Retrieval.Request(Mode.HYBRID, queries.get(q).text(), qv.get(q), depth, Filter.NONE, true,
                        scoreFusion, w, 1));
                double m = score.apply(r, 0).mrr();
                tuning.append(String.format(" %.2f->%.4f", w, m));
                if (m > bestMrr + 1e-9) {
                    bestMrr = m;
                    bestW = w;
                }
            }
            tuning.append("\n");
            best.put(name, new double[]{bestW});
        }
        double wr = best.get("rrf")[0];
        double ws = best.get("score")[0];
        int[] rrf1 = ranks.apply(q -> new Retrieval.Request(Mode.HYBRID, queries.get(q).text(), qv.get(q), depth, Filter.NONE, true,
                false, 1, 1));
        int[] rrf = ranks.apply(q -> new Retrieval.Request(Mode.HYBRID, queries.get(q).text(), qv.get(q), depth, Filter.NONE, true,
                false, wr, 1));
        int[] sf = ranks.apply(q -> new Retrieval.Request(Mode.HYBRID, queries.get(q).text(), qv.get(q), depth, Filter.NONE, true,
                true, ws, 1));
        report.add(String.format("quality: %d man-page documents, %d queries (NAME descriptions); units = documents + up to 8 paragraphs each",
                docs.size(), queries.size()));
        report.add(tuning.toString().stripTrailing());
        report.add(String.format("%-32s %10s %10s %10s %10s", "retriever", "MRR@10", "nDCG@10", "MRR(odd)", "nDCG(odd)"));
        Map<String, int[]> rows = new LinkedHashMap<>();
        rows.put("bm25 (k1 1.2, b 0.75, BPE terms)", bm25);
        rows.put("vector (MiniLM, exact)", vector);
        rows.put("spatial (3-D PCA key)", spatial);
        rows.put("hybrid rrf k=60 w=1/1", rrf1);
        rows.put(String.format("hybrid rrf k=60 wBm25=%.2f", wr), rrf);
        rows.put(String.format("hybrid score wBm25=%.2f", ws), sf);
        rows.forEach((name, r) -> {
            Score all = score.apply(r, -1);
            Score odd = score.apply(r, 1);
            report.add(String.format("%-32s %10.4f %10.4f %10.4f %10.4f", name, all.mrr(), all.ndcg(), odd.mrr(), odd.ndcg()));
        });
    }

    // ------------------------------------------------------------------ part 2: scale

    void scale(Path root, MiniLm model, int n) throws Exception {
        Path corpusFile = root.resolve("bench/target/corpus.jsonl");
        if (!Files.exists(corpusFile)) {
            Process p = new ProcessBuilder("python3", "bench/eval/make_eval.py").directory(root.toFile()).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("bench/eval/make_eval.py failed");
            }
        }
        List<String> texts = new ArrayList<>(n);
        Set<ContentHash> seen = new HashSet<>();
        try (BufferedReader r = Files.newBufferedReader(corpusFile)) {
            for (String line; (line = r.readLine()) != null && texts.size() < n; ) {
                String t = JSON.readTree(line).get("text").asText();
                t = t.length() <= CHUNK ? t : t.substring(0, t.lastIndexOf(' ', CHUNK) > CHUNK / 2 ? t.lastIndexOf(' ', CHUNK) : CHUNK);
                if (seen.add(ContentHash.sha256(t.getBytes(StandardCharsets.UTF_8)))) {
                    texts.add(t);
                }
            }
        }
        n = texts.size();
        List<String> inputs = texts;
        // raw in-process rate of the model on a sample, then the pipeline path on the same sample
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < n && sample.size() < 1000; i += Math.max(1, n / 1000)) {
            sample.add(inputs.get(i));
        }
        AllMiniLmL6V2QuantizedEmbeddingModel raw = new AllMiniLmL6V2QuantizedEmbeddingModel(pool);
        raw.embedAll(sample.subList(0, 100).stream().map(TextSegment::from).toList());
        long t0 = System.nanoTime();
        raw.embedAll(sample.stream().map(TextSegment::from).toList());
        double rawRate = sample.size() / ((System.nanoTime() - t0) / 1e9);
        Path cache = root.resolve("bench/target/corpus-" + n + "-" + CHUNK + ".vectors");
        List<float[]> vectors;
        double pipeRate;
        t0 = System.nanoTime();
        List<float[]> sampleVectors = embedAll(model, sample);
        pipeRate = sample.size() / ((System.nanoTime() - t0) / 1e9);
        if (Files.exists(cache)) {
            vectors = readVectors(cache, n);
            System.out.println("vectors of the corpus read from " + cache);
        } else {
            t0 = System.nanoTime();
            vectors = embedAll(model, inputs);
            double s = (System.nanoTime() - t0) / 1e9;
            report.add(String.format("embedded %,d units in %.0f s = %.0f units/s through the pipeline path", n, s, n / s));
            writeVectors(cache, vectors);
        }
        report.add(String.format("embedding throughput: pipeline path (batches of 64 on the embedder pool, normalized) %.0f/s vs raw "
                + "model.embedAll %.0f/s on the same %d texts = %.0f%%", pipeRate, rawRate, sample.size(), 100 * pipeRate / rawRate));
        if (sampleVectors.isEmpty()) {
            throw new IllegalStateException();
        }
        // ANN and spatial recall vs exact
        Projection projection = Projection.fit(vectors.subList(0, 512));
        VectorIndex index = new VectorIndex(MiniLm.DIMENSIONS, 16, 100, Integer.getInteger("bench.beam", 100));
        List<Integer> ords = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ords.add(i);
            Projection.Point p = projection.project(vectors.get(i));
            points.add(new double[]{p.x(), p.y(), p.z()});
        }
        t0 = System.nanoTime();
        index.addAll(ords, vectors, points);
        double build = (System.nanoTime() - t0) / 1e9;
        List<String> queryTexts = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve("bench/eval/manpages/queries.jsonl"))) {
            queryTexts.add(JSON.readTree(line).get("query").asText());
        }
        List<float[]> qv = embedAll(model, queryTexts);
        double annRecall = 0;
        double spatialRecall = 0;
        long annNanos = 0;
        long exactNanos = 0;
        for (float[] q : qv) {
            long a = System.nanoTime();
            List<Hit> exact = index.exact(q, 10, i -> true);
            long b = System.nanoTime();
            List<Hit> ann = index.approximate(q, 10, i -> true);
            long c = System.nanoTime();
            exactNanos += b - a;
            annNanos += c - b;
            Projection.Point p = projection.project(q);
            List<Hit> sp = index.spatial(new double[]{p.x(), p.y(), p.z()}, 10, i -> true);
            Set<Integer> truth = new HashSet<>();
            exact.forEach(h -> truth.add(h.ord()));
            annRecall += ann.stream().filter(h -> truth.contains(h.ord())).count() / 10.0;
            spatialRecall += sp.stream().filter(h -> truth.contains(h.ord())).count() / 10.0;
        }
        report.add(String.format("ANN (jvector, degree 16, beam 100) over %,d units: built in %.0f s; recall@10 vs exact %.4f over %d queries"
                        + " (%.2f ms/query vs exact scan %.2f ms)", n, build, annRecall / qv.size(), qv.size(),
                annNanos / 1e6 / qv.size(), exactNanos / 1e6 / qv.size()));
        report.add(String.format("spatial KNN over the 3-D PCA key: recall@10 vs exact 384-d KNN %.4f (a 3-D projection keeps little of"
                + " the neighbourhood; use it for locality, not for ranking)", spatialRecall / qv.size()));
        rest(root, texts, vectors, queryTexts);
    }

    // ------------------------------------------------------------------ REST latency at that size

    void rest(Path root, List<String> texts, List<float[]> vectors, List<String> queries) throws Exception {
        Path jar = root.resolve("search-service/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no " + jar + ": run " + COMMAND);
        }
        KeyPair keys = PemKeys.generateRsa();
        String token = new JwtSigner(keys.getPrivate(), "hartonomous").sign(1, "bench", List.of("search"), Duration.ofHours(4));
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE bench");
            }
            int port = freePort();
            Path log = Files.createTempFile("search-bench", ".log");
            Process service = start(jar, pg, keys, port, log);
            int modelId;
            Projection projection;
            try {
                awaitReady(port, service, log, 120);
            } finally {
                service.destroy();
                service.waitFor();
            }
            try (Connection c = pg.getDatabase("postgres", "bench").getConnection()) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT p.ModelId, p.MeanBytes, p.ComponentBytes, p.Scale, p.SampleSize FROM dbo.EmbeddingProjection p")) {
                    rs.next();
                    modelId = rs.getInt(1);
                    float[] mean = Float32Vectors.decode(rs.getBytes(2));
                    float[] flat = Float32Vectors.decode(rs.getBytes(3));
                    int d = mean.length;
                    projection = new Projection(mean, new float[][]{Arrays.copyOfRange(flat, 0, d), Arrays.copyOfRange(flat, d, 2 * d),
                            Arrays.copyOfRange(flat, 2 * d, 3 * d)}, rs.getDouble(4), rs.getInt(5));
                }
                long t0 = System.nanoTime();
                insertUnits(c, modelId, projection, texts, vectors);
                report.add(String.format("stored %,d units (Atom, SearchUnit, AtomEmbedding rows) in %.0f s", texts.size(),
                        (System.nanoTime() - t0) / 1e9));
            }
            long t0 = System.nanoTime();
            service = start(jar, pg, keys, port, log);
            try {
                awaitReady(port, service, log, 900);
                report.add(String.format("service restart with %,d units: ready (indexes rebuilt from the database) in %.0f s", texts.size(),
                        (System.nanoTime() - t0) / 1e9));
                int count = Integer.getInteger("bench.queries", 300);
                for (String mode : List.of("hybrid", "bm25", "vector")) {
                    for (int i = 0; i < 30; i++) {
                        get(port, token, queries.get(i % queries.size()), mode);
                    }
                    long[] lat = new long[count];
                    for (int i = 0; i < count; i++) {
                        long a = System.nanoTime();
                        get(port, token, queries.get(i % queries.size()), mode);
                        lat[i] = System.nanoTime() - a;
                    }
                    Arrays.sort(lat);
                    report.add(String.format("REST GET /api/v1/search mode=%-6s k=10 over %,d units, %d sequential queries: p50 %.1f ms, p95 %.1f ms"
                            + " (incl. query embedding for hybrid/vector)", mode, texts.size(), count, lat[count / 2] / 1e6,
                            lat[(int) Math.ceil(0.95 * count) - 1] / 1e6));
                }
            } finally {
                service.destroy();
                service.waitFor();
            }
        }
    }

    private void get(int port, String token, String q, String mode) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/search?k=10&mode=" + mode
                        + "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("search answered " + r.statusCode() + ": " + r.body());
        }
    }

    private static void insertUnits(Connection c, int modelId, Projection projection, List<String> texts, List<float[]> vectors)
            throws Exception {
        c.setAutoCommit(false);
        try (PreparedStatement atom = c.prepareStatement("INSERT INTO dbo.Atom (TenantId, ContentHash, AtomicValue, ContentLength, "
                + "Modality, Subtype) SELECT 1, h, v, l, 'text', 'block' FROM UNNEST(?::bytea[], ?::bytea[], ?::int8[]) AS t(h, v, l) "
                + "RETURNING AtomId, ContentHash");
             PreparedStatement unit = c.prepareStatement("INSERT INTO dbo.SearchUnit (TenantId, AtomId, RootHash, UnitKind, UnitPath, SearchText) "
                     + "SELECT 1, a, h, 'document', p, t FROM UNNEST(?::int8[], ?::bytea[], ?::text[], ?::text[]) AS x(a, h, p, t)");
             PreparedStatement emb = c.prepareStatement("INSERT INTO dbo.AtomEmbedding (TenantId, SourceAtomId, ModelId, EmbeddingBytes, "
                     + "Dimensions, SpatialX, SpatialY, SpatialZ, HilbertValue) SELECT 1, a, " + modelId + ", e, 384, x, y, z, m FROM "
                     + "UNNEST(?::int8[], ?::bytea[], ?::float8[], ?::float8[], ?::float8[], ?::int8[]) AS u(a, e, x, y, z, m)")) {
            for (int from = 0; from < texts.size(); from += 2000) {
                int to = Math.min(texts.size(), from + 2000);
                int size = to - from;
                byte[][] hashes = new byte[size][];
                byte[][] values = new byte[size][];
                Long[] lengths = new Long[size];
                Map<ContentHash, Integer> index = new LinkedHashMap<>();
                for (int i = 0; i < size; i++) {
                    byte[] bytes = texts.get(from + i).getBytes(StandardCharsets.UTF_8);
                    ContentHash h = ContentHash.sha256(bytes);
                    hashes[i] = h.bytes();
                    values[i] = Arrays.copyOf(bytes, Math.min(64, bytes.length));
                    lengths[i] = (long) bytes.length;
                    index.put(h, from + i);
                }
                atom.setArray(1, c.createArrayOf("bytea", hashes));
                atom.setArray(2, c.createArrayOf("bytea", values));
                atom.setArray(3, c.createArrayOf("int8", lengths));
                Long[] ids = new Long[size];
                byte[][] hs = new byte[size][];
                String[] paths = new String[size];
                String[] ts = new String[size];
                byte[][] es = new byte[size][];
                Double[] xs = new Double[size];
                Double[] ys = new Double[size];
                Double[] zs = new Double[size];
                Long[] ms = new Long[size];
                int k = 0;
                try (ResultSet rs = atom.executeQuery()) {
                    while (rs.next()) {
                        int i = index.get(ContentHash.of(rs.getBytes(2)));
                        ids[k] = rs.getLong(1);
                        hs[k] = rs.getBytes(2);
                        paths[k] = "corpus#" + i;
                        ts[k] = texts.get(i);
                        es[k] = Float32Vectors.encode(vectors.get(i));
                        Projection.Point p = projection.project(vectors.get(i));
                        xs[k] = p.x();
                        ys[k] = p.y();
                        zs[k] = p.z();
                        ms[k] = p.hilbert();
                        k++;
                    }
                }
                unit.setArray(1, c.createArrayOf("int8", ids));
                unit.setArray(2, c.createArrayOf("bytea", hs));
                unit.setArray(3, c.createArrayOf("text", paths));
                unit.setArray(4, c.createArrayOf("text", ts));
                unit.executeUpdate();
                emb.setArray(1, c.createArrayOf("int8", ids));
                emb.setArray(2, c.createArrayOf("bytea", es));
                emb.setArray(3, c.createArrayOf("float8", xs));
                emb.setArray(4, c.createArrayOf("float8", ys));
                emb.setArray(5, c.createArrayOf("float8", zs));
                emb.setArray(6, c.createArrayOf("int8", ms));
                emb.executeUpdate();
                c.commit();
            }
        }
    }

    private Process start(Path jar, EmbeddedPostgres pg, KeyPair keys, int port, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx3g",
                "--add-modules", "jdk.incubator.vector", "-jar", jar.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("HARTONOMOUS_DB_HOST", "localhost");
        env.put("HARTONOMOUS_DB_PORT", Integer.toString(pg.getPort()));
        env.put("HARTONOMOUS_DB_NAME", "bench");
        env.put("HARTONOMOUS_DB_USER", "postgres");
        env.put("HARTONOMOUS_DB_PASSWORD", "postgres");
        env.put("MP_JWT_VERIFY_PUBLICKEY", PemKeys.toPem(keys.getPublic()));
        env.put("HARTONOMOUS_SEARCH_PORT", Integer.toString(port));
        env.put("HARTONOMOUS_SEARCH_MODEL_SOURCE", "jar");
        env.put("HARTONOMOUS_SEARCH_METERING_ENABLED", "false");
        env.put("QUARKUS_LOG_LEVEL", "INFO");
        return pb.start();
    }

    private void awaitReady(int port, Process service, Path log, int seconds) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("search-service exited:\n" + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("search-service not ready in " + seconds + " s; see " + log);
    }

    private List<float[]> embedAll(MiniLm model, List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i += 64) {
            out.addAll(model.embedAll(texts.subList(i, Math.min(texts.size(), i + 64))));
            if (texts.size() > 5000 && (i / 64) % 100 == 0) {
                System.out.printf("  embedded %,d / %,d%n", i, texts.size());
            }
        }
        return out;
    }

    private static void writeVectors(Path file, List<float[]> vectors) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(vectors.size());
            for (float[] v : vectors) {
                out.write(Float32Vectors.encode(v));
            }
        }
    }

    private static List<float[]> readVectors(Path file, int n) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            int count = in.readInt();
            if (count != n) {
                throw new IllegalStateException(file + " holds " + count + " vectors, not " + n);
            }
            List<float[]> out = new ArrayList<>(n);
            byte[] buf = new byte[4 * MiniLm.DIMENSIONS];
            for (int i = 0; i < n; i++) {
                in.readFully(buf);
                out.add(Float32Vectors.decode(buf));
            }
            return out;
        }
    }

    private static Path root() {
        String configured = System.getProperty("bench.root");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("search-service/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from the repository checkout or set -Dbench.root");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
