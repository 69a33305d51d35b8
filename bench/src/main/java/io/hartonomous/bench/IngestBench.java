package io.hartonomous.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.common.auth.JwtSigner;
import io.hartonomous.common.auth.PemKeys;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ingestion, re-ingestion and reconstruction throughput of the packaged atom-service over real
 * HTTP against an embedded PostgreSQL, for three real corpora (plain-text documentation, Java
 * sources, an ONNX model), with the storage they take and, in the same run, the rate at which
 * PostgreSQL's own bulk path (binary COPY into tables with the same indexes) loads the very rows
 * the ingestion wrote — twice: into empty tables with the same indexes (the bulk path at its
 * best), and into the store's own tables as they stand (the other corpora's rows already there,
 * their triggers and foreign keys on, a scratch tenant, rolled back), which is the work the
 * ingestion itself does.
 *
 * <p>The text and Java corpora are ingested three times, each time by a fresh tenant: file by file
 * (one upload per file, {@code bench.clients} at a time), as one batch (the same files in one tar
 * sent to {@code POST /api/v1/ingest/batch}: one request, each file a root of its own, the archive
 * not kept; re-ingest by hash with {@code POST /api/v1/ingest/known/batch}, 10,000 files a request),
 * and as one tar archive of the same files (one upload to {@code POST /api/v1/ingest}, the archive
 * kept too). The batch's rows stand in the per-file block and compare with its {@code COPY}: the
 * same files make the same rows.
 *
 * <p>Settings (system properties): {@code bench.textMB} (16), {@code bench.javaMB} (16),
 * {@code bench.clients} (2, concurrent uploads), {@code bench.coefficients} (false: model
 * coefficient rows), {@code bench.archives} (true), {@code bench.perFile} (true), {@code bench.batch}
 * (true, with bench.perFile), {@code bench.corpora} (text,java,model),
 * {@code bench.statements} (false: pg_stat_statements and auto_explain), {@code bench.pg.*}
 * (PostgreSQL settings), {@code bench.jfr} (a flight recording of the service), {@code bench.warmupMB} (0: MB of
 * text and of Java files sent through every measured request before anything is timed, their rows then
 * truncated), {@code bench.dbRttMs} (0: milliseconds of round trip a relay adds between the service and
 * PostgreSQL, a network hop as on a cluster; the bench's COPY stays direct).
 */
public final class IngestBench {

    static final String COMMAND = "./mvnw -B -q -pl common,atom-service,bench -am install -DskipTests"
            + " && ./mvnw -B -q -pl bench exec:java -Dexec.mainClass=io.hartonomous.bench.IngestBench";
    private static final Pattern ROOT = Pattern.compile("\"rootHash\"\\s*:\\s*\"([0-9a-f]{64})\"");
    private static final Pattern CREATED = Pattern.compile("\"atomsCreated\"\\s*:\\s*(\\d+)");
    private static final Pattern REUSED = Pattern.compile("\"atomsReused\"\\s*:\\s*(\\d+)");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"(\\w+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The most files one {@code POST /api/v1/ingest/known/batch} takes. */
    private static final int KNOWN_BATCH_MAX = 10_000;

    // HTTP/1.1 like curl and most REST clients (the JDK client would otherwise upgrade to h2c, whose
    // 64 KiB flow-control windows throttle large uploads)
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> report = new ArrayList<>();
    /** -Dbench.statements=true: pg_stat_statements is on, and each measured ingestion's statements are printed. */
    private boolean statements;
    /** What the header says about the database relay ({@code -Dbench.dbRttMs}); empty without one. */
    private String dbRoundTrip = "";

    public static void main(String[] args) throws Exception {
        new IngestBench().run();
        System.exit(0);
    }

    void run() throws Exception {
        long textBytes = Long.getLong("bench.textMB", 16) << 20;
        long javaBytes = Long.getLong("bench.javaMB", 16) << 20;
        int clients = Integer.getInteger("bench.clients", 2);
        boolean coefficients = Boolean.getBoolean("bench.coefficients");
        Path work = Files.createTempDirectory("ingest-bench");
        List<String> wanted = List.of(System.getProperty("bench.corpora", "text,java,model").split(","));
        List<Measured> corpora = new ArrayList<>();
        boolean archives = !"false".equals(System.getProperty("bench.archives"));
        boolean perFile = !"false".equals(System.getProperty("bench.perFile"));
        boolean batch = perFile && !"false".equals(System.getProperty("bench.batch"));
        if (wanted.contains("text")) {
            addFiles(corpora, Corpora.text(work.resolve("text"), textBytes), work.resolve("text.tar"), perFile, batch, archives);
        }
        if (wanted.contains("java")) {
            addFiles(corpora, Corpora.java(work.resolve("java"), javaBytes), work.resolve("java.tar"), perFile, batch, archives);
        }
        if (wanted.contains("model")) {
            corpora.add(new Measured(Corpora.model(work.resolve("model")), null));
        }
        statements = Boolean.getBoolean("bench.statements");
        KeyPair keys = PemKeys.generateRsa();
        JwtSigner signer = new JwtSigner(keys.getPrivate(), "hartonomous");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (statements) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements,auto_explain");
            // slow statements' plans (with the statements triggers run) land in bench.pglog (default /tmp/ingest-bench-pglog)
            builder.setServerConfig("auto_explain.log_min_duration", "250");
            builder.setServerConfig("auto_explain.log_analyze", "on");
            builder.setServerConfig("auto_explain.log_nested_statements", "on");
            builder.setServerConfig("logging_collector", "on");
            builder.setServerConfig("log_directory", System.getProperty("bench.pglog", "/tmp/ingest-bench-pglog"));
        }
        // -Dbench.pg.<setting>=<value> passes any server setting (e.g. -Dbench.pg.log_min_duration_statement=0)
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.pg."))
                .forEach(k -> builder.setServerConfig(k.substring("bench.pg.".length()), System.getProperty(k)));
        try (EmbeddedPostgres pg = builder.start()) {
            ServiceUnderTest.createDatabase(pg, "bench");
            Map<String, String> env = new java.util.HashMap<>(Map.of(
                    "HARTONOMOUS_ATOM_METERING_ENABLED", "false",
                    "HARTONOMOUS_ATOM_INGEST_SPOOL_DIR", work.resolve("spool").toString()));
            if (System.getProperty("bench.chunkSize") != null) {
                env.put("HARTONOMOUS_ATOM_INGEST_CHUNK_SIZE", System.getProperty("bench.chunkSize"));
            }
            // -Dbench.dbRttMs=1: the service reaches the database through a relay adding that round
            // trip (a network hop, as on a cluster); the bench's own COPY stays direct
            double rtt = Double.parseDouble(System.getProperty("bench.dbRttMs", "0"));
            LatencyProxy proxy = rtt > 0 ? new LatencyProxy(pg.getPort(), rtt) : null;
            if (proxy != null) {
                env.put("HARTONOMOUS_DB_PORT", Integer.toString(proxy.port()));
                dbRoundTrip = ", database round trip +" + rtt + " ms (relay)";
            }
            List<String> jvm = new ArrayList<>(List.of("-Xmx2g"));
            String jfr = System.getProperty("bench.jfr");
            if (jfr != null) {
                jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
            }
            try (ServiceUnderTest atom = ServiceUnderTest.start("atom-service", "HARTONOMOUS_ATOM_PORT", pg, "bench",
                    PemKeys.toPem(keys.getPublic()), env, jvm, COMMAND);
                 Connection sql = pg.getDatabase("postgres", "bench").getConnection()) {
                if (statements) {
                    try (Statement s = sql.createStatement()) {
                        s.execute("CREATE EXTENSION pg_stat_statements");
                    }
                }
                report.add(warmUpHashing());
                long warmupBytes = Long.getLong("bench.warmupMB", 0) << 20;
                if (warmupBytes > 0) {
                    warmUpService(atom, sql, signer, work, warmupBytes, textBytes, clients);
                }
                int tenant = 100;
                for (Measured m : corpora) {
                    tenant++;
                    String token = signer.sign(tenant, "bench", List.of("ingest", "admin"), Duration.ofHours(4));
                    CopyRates copyRate = measure(atom, sql, m.corpus(), tenant, token, clients, coefficients);
                    if (m.batchTar() != null) {
                        tenant++;
                        measureBatch(atom, sql, m.corpus(), m.batchTar(),
                                signer.sign(tenant, "bench", List.of("ingest", "admin"), Duration.ofHours(4)), clients, copyRate);
                    }
                }
                report.add(countUpdates(sql));
                printStatements(sql, "everything after the last measured ingestion (its re-ingests, reconstruction and COPY)", 25);
            } finally {
                if (proxy != null) {
                    proxy.close();
                }
            }
        }
        System.out.println();
        System.out.println("IngestBench (atom-service over HTTP, embedded PostgreSQL 18, " + Runtime.getRuntime().availableProcessors()
                + " cores, " + clients + " concurrent uploads, coefficients=" + coefficients + dbRoundTrip + ")");
        report.forEach(System.out::println);
        System.out.println("reproduce: " + Reproduce.command(COMMAND));
        System.out.println("options: -Dbench.textMB=16 -Dbench.javaMB=16 -Dbench.clients=2 -Dbench.coefficients=false"
                + " -Dbench.corpora=text,java,model -Dbench.archives=true -Dbench.perFile=true -Dbench.batch=true"
                + " -Dbench.statements=false -Dbench.warmupMB=0 -Dbench.dbRttMs=0 -Dbench.pg.<setting>=<value> (the defaults)");
    }

    /**
     * Runs every measured request once, untimed, on other files under tenants of its own, so that
     * what is measured is a service whose hot paths the JIT has compiled — as it is after minutes
     * of work — and not its first seconds (the compiler threads took about as much CPU as the
     * request threads through the whole first corpus otherwise, on a machine whose other core is
     * the database's). The files are text after the measured ones and Java sources of another
     * module: none of them is a measured file. Then the warm-up's rows are truncated away, so that
     * the measured corpora meet the same empty tables as without a warm-up (session 6 kept them:
     * every later row then met a store some 100 MB larger, which COPY into empty tables does not).
     * What stays is the service's compiled code, its connection pool and its prepared statements.
     * Off by default, so that figures stay comparable with earlier runs.
     */
    private void warmUpService(ServiceUnderTest atom, Connection sql, JwtSigner signer, Path work, long bytes, long textBytes,
                               int clients) throws Exception {
        long start = System.nanoTime();
        List<Corpora.Corpus> sets = List.of(Corpora.text(work.resolve("warmup-text"), textBytes, bytes),
                Corpora.java(work.resolve("warmup-java"), "java.desktop/", bytes));
        int tenant = 90;
        for (Corpora.Corpus files : sets) {
            String token = signer.sign(++tenant, "bench", List.of("ingest", "admin"), Duration.ofHours(4));
            Upload first = upload(atom, files, token, clients, false);
            upload(atom, files, token, clients, false);
            known(atom, files, token, clients);
            for (String root : first.roots) {
                download(atom, root, token);
            }
            Path tar = work.resolve("warmup-" + tenant + ".tar");
            Corpora.Corpus archive = Corpora.tar(files, tar);
            token = signer.sign(++tenant, "bench", List.of("ingest", "admin"), Duration.ofHours(4));
            batch(atom, tar, token);
            batch(atom, tar, token);
            knownBatch(atom, files, token, clients);
            token = signer.sign(++tenant, "bench", List.of("ingest", "admin"), Duration.ofHours(4));
            Upload whole = upload(atom, archive, token, clients, false);
            upload(atom, archive, token, clients, false);
            known(atom, archive, token, clients);
            for (String root : whole.roots) {
                download(atom, root, token);
            }
        }
        truncateStore(sql);
        String line = String.format("warm-up: %.1f MB of other text and Java files through every measured request, untimed,"
                + " then their rows truncated (%.0f s)", sets.stream().mapToLong(Corpora.Corpus::bytes).sum() / 1e6,
                (System.nanoTime() - start) / 1e9);
        report.add(line);
        System.out.println(line);
    }

    /**
     * Empties every table an ingestion writes (the bench owns the database): atoms, edges, their
     * history, roots, jobs, models and lineage. Statistics stay as the warm-up left them until the
     * service's next refresh, which a measured tenant's first 1,000 rows set off (a tenant new to
     * the statistics); later refreshes follow the growth of the tables as that one counted them.
     */
    private static void truncateStore(Connection sql) throws Exception {
        try (Statement s = sql.createStatement()) {
            s.execute("TRUNCATE dbo.Atom, dbo.AtomHistory, dbo.AtomComposition, dbo.AtomRelation, dbo.AtomRelations_History,"
                    + " dbo.AtomRoot, dbo.IngestionJob, dbo.Model, dbo.ModelLayer, dbo.TensorAtomCoefficient,"
                    + " dbo.TensorAtomCoefficients_History, provenance.Agent, provenance.Activity, provenance.Entity,"
                    + " provenance.Used, provenance.WasGeneratedBy, provenance.WasAssociatedWith, provenance.WasDerivedFrom"
                    + " CASCADE");
        }
    }

    /** A corpus to measure; {@code batchTar}, when set, is its files as one tar, measured as a batch too. */
    private record Measured(Corpora.Corpus corpus, Path batchTar) {
    }

    /** A corpus of many files: file by file (and as a batch), and as one archive, as asked. */
    private static void addFiles(List<Measured> corpora, Corpora.Corpus files, Path tar, boolean perFile, boolean batch,
                                 boolean archives) throws Exception {
        Corpora.Corpus archive = batch || archives ? Corpora.tar(files, tar) : null;
        if (perFile) {
            corpora.add(new Measured(files, batch ? tar : null));
        }
        if (archives) {
            corpora.add(new Measured(archive, null));
        }
    }

    /** Times a re-ingest of one file or one batch is measured (its median reported): it takes milliseconds. */
    private static final int SHORT_REPEATS = 5;

    private static double median(List<Double> seconds) {
        List<Double> sorted = seconds.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** "0.53 s", or "median of 5: 0.031 s [0.027-0.045]". */
    private static String spread(List<Double> seconds) {
        if (seconds.size() == 1) {
            return String.format("%.2f s", seconds.getFirst());
        }
        return String.format("median of %d: %.3f s [%.3f-%.3f]", seconds.size(), median(seconds),
                seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                seconds.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    /** The rates at which COPY loaded a corpus's rows (MB of input per s): into empty tables, into the store's own. */
    private record CopyRates(double empty, double live) {
        String percentOf(double ingestRate) {
            return String.format("%.0f%% of COPY into empty tables, %.0f%% of COPY into the store's tables",
                    100 * ingestRate / empty, 100 * ingestRate / live);
        }
    }

    /** Measures and reports one corpus; the rates at which COPY loads the rows its ingestion wrote. */
    private CopyRates measure(ServiceUnderTest atom, Connection sql, Corpora.Corpus corpus, int tenant, String token,
                           int clients, boolean coefficients) throws Exception {
        double mb = corpus.bytes() / 1e6;
        long storageBefore = storage(sql);
        resetStatements(sql);
        Map<String, Double> rerunsBefore = exclusiveReruns(atom);
        Upload first = upload(atom, corpus, token, clients, coefficients);
        Map<String, Double> rerunsAfter = exclusiveReruns(atom);
        printStatements(sql, corpus.name() + ", ingest", 15);
        long storageAfter = storage(sql);
        // a single file's re-ingest takes tens of milliseconds: one measurement is mostly noise (its
        // reconstruction is repeated as often)
        int repeats = corpus.files().size() == 1 ? SHORT_REPEATS : 1;
        List<Double> againSeconds = new ArrayList<>();
        List<Double> knownRuns = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            Upload again = upload(atom, corpus, token, clients, coefficients);
            if (again.created.get() != 0) {
                throw new IllegalStateException("re-ingest of " + corpus.name() + " created " + again.created + " atoms");
            }
            againSeconds.add(again.seconds);
        }
        for (int r = 0; r < repeats; r++) {
            knownRuns.add(known(atom, corpus, token, clients));
        }
        List<Double> rebuildRuns = new ArrayList<>();
        long rebuilt = 0;
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            rebuilt = 0;
            for (String root : first.roots) {
                rebuilt += download(atom, root, token);
            }
            rebuildRuns.add((System.nanoTime() - start) / 1e9);
        }
        double rebuildSeconds = median(rebuildRuns);
        double copySeconds = copy(sql, tenant);
        double liveSeconds = copyLive(sql, tenant);
        double ingestRate = mb / first.seconds;
        CopyRates copyRate = new CopyRates(mb / copySeconds, mb / liveSeconds);
        report.add(String.format("%n%s: %d files, %.1f MB", corpus.name(), corpus.files().size(), mb));
        report.add(String.format("  ingest        %8.2f MB/s  (%.1f s, %d atoms created, %d reused)", ingestRate, first.seconds,
                first.created.get(), first.reused.get()));
        StringBuilder reruns = new StringBuilder();
        rerunsAfter.forEach((reason, n) -> {
            double d = n - rerunsBefore.getOrDefault(reason, 0.0);
            if (d > 0) {
                reruns.append(reruns.isEmpty() ? "" : ", ").append(String.format("%s %.0f", reason, d));
            }
        });
        report.add(String.format("  ingest's transactions run again under the exclusive lock: %s",
                reruns.isEmpty() ? "none" : reruns));
        report.add(String.format("  COPY same rows%8.2f MB/s  (%.1f s, into empty tables) -> ingest reaches %.0f%% of it",
                copyRate.empty(), copySeconds, 100 * ingestRate / copyRate.empty()));
        report.add(String.format("  COPY same rows%8.2f MB/s  (%.1f s, into the store's tables) -> ingest reaches %.0f%% of it",
                copyRate.live(), liveSeconds, 100 * ingestRate / copyRate.live()));
        double againMedian = median(againSeconds);
        double knownSeconds = median(knownRuns);
        report.add(String.format("  re-ingest     %8.2f MB/s  (%s, 0 atoms created)", mb / againMedian, spread(againSeconds)));
        report.add(String.format("  re-ingest by hash %4.0f MB/s  (%s: client sha256 + POST /api/v1/ingest/known, 0 bytes uploaded)",
                mb / knownSeconds, spread(knownRuns)));
        report.add(String.format("  reconstruct   %8.2f MB/s  (%s, %d roots, sha256 verified)", rebuilt / 1e6 / rebuildSeconds,
                spread(rebuildRuns), first.roots.size()));
        report.add(String.format("  storage       %.2f bytes per raw byte (%.1f MB in atom tables incl. indexes)",
                (storageAfter - storageBefore) / (double) corpus.bytes(), (storageAfter - storageBefore) / 1e6));
        System.out.println(String.join(System.lineSeparator(), report.subList(report.size() - 9, report.size())));
        return copyRate;
    }

    /**
     * The corpus's files as one batch, by a fresh tenant: one {@code POST /api/v1/ingest/batch} of
     * their tar (built beforehand, not timed), the same again, then re-ingest by hash (client SHA-256
     * of every file, one {@code POST /api/v1/ingest/known/batch} per 10,000 files). Reported against
     * {@code copyRate}, the COPY of the rows the per-file ingestion of the same files wrote.
     */
    private void measureBatch(ServiceUnderTest atom, Connection sql, Corpora.Corpus corpus, Path tar, String token, int clients,
                              CopyRates copyRate) throws Exception {
        double mb = corpus.bytes() / 1e6;
        resetStatements(sql);
        BatchRun first = batch(atom, tar, token);
        printStatements(sql, corpus.name() + ", batch ingest", 15);
        // the corpora hold no empty file, which a batch would skip
        if (first.job().path("roots").asLong() != corpus.files().size()) {
            throw new IllegalStateException("batch of " + corpus.name() + " pinned " + first.job().path("roots") + " roots of "
                    + corpus.files().size() + " files");
        }
        List<Double> againSeconds = new ArrayList<>();
        List<Double> knownRuns = new ArrayList<>();
        for (int r = 0; r < SHORT_REPEATS; r++) {
            BatchRun again = batch(atom, tar, token);
            if (again.job().path("atomsCreated").asLong() != 0) {
                throw new IllegalStateException("batch re-ingest of " + corpus.name() + " created "
                        + again.job().path("atomsCreated") + " atoms");
            }
            againSeconds.add(again.seconds());
        }
        for (int r = 0; r < SHORT_REPEATS; r++) {
            knownRuns.add(knownBatch(atom, corpus, token, clients));
        }
        double knownSeconds = median(knownRuns);
        double ingestRate = mb / first.seconds();
        report.add(String.format("  batch ingest  %8.2f MB/s  (%.1f s, %d atoms created, %d reused: one POST /api/v1/ingest/batch"
                        + " of a %.1f MB tar) -> batch ingest reaches %s", ingestRate, first.seconds(),
                first.job().path("atomsCreated").asLong(), first.job().path("atomsReused").asLong(), Files.size(tar) / 1e6,
                copyRate.percentOf(ingestRate)));
        report.add(String.format("  batch re-ingest%7.2f MB/s  (%s, 0 atoms created: the same tar again)",
                mb / median(againSeconds), spread(againSeconds)));
        report.add(String.format("  batch by hash %8.0f MB/s  (%s: client sha256 + %d POST /api/v1/ingest/known/batch,"
                        + " 0 bytes uploaded)", mb / knownSeconds, spread(knownRuns),
                (corpus.files().size() + KNOWN_BATCH_MAX - 1) / KNOWN_BATCH_MAX));
        System.out.println(String.join(System.lineSeparator(), report.subList(report.size() - 3, report.size())));
    }

    /** A finished batch job and the seconds its request took. */
    private record BatchRun(JsonNode job, double seconds) {
    }

    /** One {@code POST /api/v1/ingest/batch?wait=true} of {@code tar}, which must complete. */
    private BatchRun batch(ServiceUnderTest atom, Path tar, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(atom.uri("/api/v1/ingest/batch?wait=true"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-tar")
                .timeout(Duration.ofMinutes(60)).POST(HttpRequest.BodyPublishers.ofFile(tar)).build();
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (response.statusCode() != 201) {
            throw new IllegalStateException("batch " + tar + ": " + response.statusCode() + " " + response.body());
        }
        JsonNode job = JSON.readTree(response.body());
        if (!"Completed".equals(job.path("status").asText())) {
            throw new IllegalStateException("batch " + tar + ": " + response.body());
        }
        return new BatchRun(job, seconds);
    }

    /**
     * Seconds to re-ingest the corpus by hash in batches: hash every file locally ({@code clients}
     * threads, streamed), then pin them with one {@code POST /api/v1/ingest/known/batch} per
     * 10,000 files. Every file must be known.
     */
    private double knownBatch(ServiceUnderTest atom, Corpora.Corpus corpus, String token, int clients) throws Exception {
        List<Path> files = corpus.files();
        long start = System.nanoTime();
        String[] hashes = hashAll(files, clients);
        for (int from = 0; from < files.size(); from += KNOWN_BATCH_MAX) {
            int to = Math.min(files.size(), from + KNOWN_BATCH_MAX);
            ObjectNode body = JSON.createObjectNode();
            ArrayNode items = body.putArray("files");
            for (int i = from; i < to; i++) {
                items.addObject().put("sha256", hashes[i]).put("name", files.get(i).getFileName().toString());
            }
            HttpRequest request = HttpRequest.newBuilder(atom.uri("/api/v1/ingest/known/batch"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode answer = response.statusCode() == 201 ? JSON.readTree(response.body()) : null;
            if (answer == null || answer.path("pinned").asLong() != to - from || !answer.path("unknown").isEmpty()) {
                throw new IllegalStateException("known batch of " + corpus.name() + ": " + response.statusCode() + " "
                        + response.body());
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Every file's SHA-256 (hex), hashed by {@code clients} threads, in the files' order. */
    private static String[] hashAll(List<Path> files, int clients) throws Exception {
        String[] hashes = new String[files.size()];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[1 << 20];
                for (int i; (i = next.getAndIncrement()) < files.size(); ) {
                    try (InputStream in = Files.newInputStream(files.get(i))) {
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            sha.update(buffer, 0, n);
                        }
                    }
                    hashes[i] = HexFormat.of().formatHex(sha.digest());
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return hashes;
    }

    private static final class Upload {
        final Set<String> roots = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
        final AtomicLong created = new AtomicLong();
        final AtomicLong reused = new AtomicLong();
        double seconds;
    }

    private Upload upload(ServiceUnderTest atom, Corpora.Corpus corpus, String token, int clients, boolean coefficients)
            throws Exception {
        Upload result = new Upload();
        ConcurrentLinkedQueue<Path> queue = new ConcurrentLinkedQueue<>(corpus.files());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                for (Path file; (file = queue.poll()) != null; ) {
                    String name = URLEncoder.encode(file.getFileName().toString(), StandardCharsets.UTF_8);
                    HttpRequest request = HttpRequest.newBuilder(atom.uri("/api/v1/ingest?wait=true&coefficients=" + coefficients
                                    + "&name=" + name))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                            .timeout(Duration.ofMinutes(30)).POST(HttpRequest.BodyPublishers.ofFile(file)).build();
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    String body = response.body();
                    if (response.statusCode() >= 300 || !"Completed".equals(group(STATUS, body))) {
                        throw new IllegalStateException(file + ": " + response.statusCode() + " " + body);
                    }
                    result.roots.add(group(ROOT, body));
                    result.created.addAndGet(Long.parseLong(group(CREATED, body)));
                    result.reused.addAndGet(Long.parseLong(group(REUSED, body)));
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        result.seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return result;
    }

    /**
     * Seconds to re-ingest the corpus the way a client that knows the protocol does: hash each file
     * locally (streamed) and pin it by its hash, uploading nothing. Every file must be known.
     */
    /**
     * Compiles the client's SHA-256 before anything is timed: re-ingest by hash is timed client
     * hashing included, and the first corpus's figure measured the JIT (a 4.8 MB tar by hash took
     * 0.06-0.26 s as the first corpus, 0.03-0.04 s as the second).
     */
    private static String warmUpHashing() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 20];
        new java.util.Random(7).nextBytes(buffer);
        long start = 0;
        for (int i = 0; i < 512; i++) {
            if (i == 256) {
                start = System.nanoTime(); // the second half, compiled, is the reference rate
            }
            sha.update(buffer);
            if (i % 16 == 15) {
                HexFormat.of().formatHex(sha.digest());
            }
        }
        double rate = 256 * (double) buffer.length / 1e6 / ((System.nanoTime() - start) / 1e9);
        String line = String.format("client SHA-256, one thread, in memory: %.0f MB/s (what re-ingest by hash is bound by)", rate);
        System.out.println(line);
        return line;
    }

    private double known(ServiceUnderTest atom, Corpora.Corpus corpus, String token, int clients) throws Exception {
        ConcurrentLinkedQueue<Path> queue = new ConcurrentLinkedQueue<>(corpus.files());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[1 << 20];
                for (Path file; (file = queue.poll()) != null; ) {
                    try (InputStream in = Files.newInputStream(file)) {
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            sha.update(buffer, 0, n);
                        }
                    }
                    String hash = HexFormat.of().formatHex(sha.digest());
                    String name = URLEncoder.encode(file.getFileName().toString(), StandardCharsets.UTF_8);
                    HttpRequest request = HttpRequest.newBuilder(atom.uri("/api/v1/ingest/known?sha256=" + hash + "&name=" + name))
                            .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build();
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 201 || !"Completed".equals(group(STATUS, response.body()))
                            || !"0".equals(group(CREATED, response.body()))) {
                        throw new IllegalStateException(file + ": " + response.statusCode() + " " + response.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return (System.nanoTime() - start) / 1e9;
    }

    private long download(ServiceUnderTest atom, String root, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(atom.uri("/api/v1/atoms/" + root + "/content"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(10)).GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("content of " + root + ": " + response.statusCode());
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long n = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[256 * 1024];
            for (int r; (r = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, r);
                n += r;
            }
        }
        String got = HexFormat.of().formatHex(sha.digest());
        if (!got.equals(root)) {
            throw new IllegalStateException("content of " + root + " hashes to " + got);
        }
        return n;
    }

    /** Bytes of the atom tables with their indexes (the whole database belongs to the bench). */
    private static long storage(Connection sql) throws Exception {
        try (Statement s = sql.createStatement(); ResultSet r = s.executeQuery("""
                SELECT pg_total_relation_size('dbo.atom') + pg_total_relation_size('dbo.atomcomposition')
                     + pg_total_relation_size('dbo.atomroot') + pg_total_relation_size('dbo.tensoratomcoefficient')
                     + pg_total_relation_size('dbo.modellayer')""")) {
            r.next();
            return r.getLong(1);
        }
    }

    /**
     * Seconds PostgreSQL's binary COPY takes to load the rows the ingestion wrote for {@code tenant}
     * (atoms, edges, coefficients) into empty tables with the same columns, checks and indexes
     * (foreign keys aside).
     */
    private static double copy(Connection sql, int tenant) throws Exception {
        CopyManager copy = sql.unwrap(PGConnection.class).getCopyAPI();
        List<String> tables = List.of("atom", "atomcomposition", "tensoratomcoefficient");
        List<byte[]> dumps = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        try (Statement s = sql.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS bench_copy CASCADE");
            s.execute("CREATE SCHEMA bench_copy");
            for (String table : tables) {
                s.execute("CREATE TABLE bench_copy." + table + " (LIKE dbo." + table + " INCLUDING ALL)");
                columns.add(storedColumns(sql, table));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                copy.copyOut("COPY (SELECT " + columns.getLast() + " FROM dbo." + table + " WHERE TenantId = " + tenant
                        + ") TO STDOUT (FORMAT binary)", out);
                dumps.add(out.toByteArray());
            }
        }
        long start = System.nanoTime();
        for (int i = 0; i < tables.size(); i++) {
            copy.copyIn("COPY bench_copy." + tables.get(i) + " (" + columns.get(i) + ") FROM STDIN (FORMAT binary)",
                    new ByteArrayInputStream(dumps.get(i)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        try (Statement s = sql.createStatement()) {
            s.execute("DROP SCHEMA bench_copy CASCADE");
        }
        return seconds;
    }

    /** The columns of {@code dbo.table} that a COPY loads, in order: all but the generated ones (computed on load). */
    private static String storedColumns(Connection sql, String table) throws Exception {
        try (var s = sql.prepareStatement("""
                SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns
                WHERE table_schema = 'dbo' AND table_name = ? AND is_generated = 'NEVER'""")) {
            s.setString(1, table);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }

    /**
     * Seconds binary COPY takes to load the rows the ingestion wrote for {@code tenant} into the
     * store's own tables as they stand — their indexes already holding the other corpora's rows,
     * the edge check and the coefficients' foreign keys on — as a scratch tenant (atom ids shifted
     * so they do not collide), in a transaction that is rolled back; then the tables are vacuumed
     * so the next corpus does not pay for the dead rows. Identity columns other than the atom ids
     * are generated, as the ingestion generates them.
     */
    private static double copyLive(Connection sql, int tenant) throws Exception {
        CopyManager copy = sql.unwrap(PGConnection.class).getCopyAPI();
        int scratch = 1_000_000 + tenant;
        long shift = 1L << 40;
        String atomColumns = "AtomId, TenantId, ContentHash, AtomicValue, ContentLength, CanonicalText, Modality, Subtype,"
                + " ContentType, Metadata, ReferenceCount, CreatedAt, LastAccessedUtc";
        String edgeColumns = "TenantId, ParentAtomHash, ComponentAtomHash, SequenceIndex, PositionX, PositionY, PositionZ,"
                + " PositionM, CreatedAt";
        String coefficientColumns = "TenantId, ModelId, LayerIndex, PositionX, PositionY, PositionZ, ValueAtomId, CreatedAt";
        List<String> outs = List.of(
                "SELECT AtomId + " + shift + ", " + scratch + ", ContentHash, AtomicValue, ContentLength, CanonicalText, Modality,"
                        + " Subtype, ContentType, Metadata, ReferenceCount, CreatedAt, LastAccessedUtc FROM dbo.Atom WHERE TenantId = " + tenant,
                "SELECT " + scratch + ", ParentAtomHash, ComponentAtomHash, SequenceIndex, PositionX, PositionY, PositionZ, PositionM,"
                        + " CreatedAt FROM dbo.AtomComposition WHERE TenantId = " + tenant,
                "SELECT " + scratch + ", ModelId, LayerIndex, PositionX, PositionY, PositionZ, ValueAtomId + " + shift
                        + ", CreatedAt FROM dbo.TensorAtomCoefficient WHERE TenantId = " + tenant);
        List<String> ins = List.of("dbo.Atom (" + atomColumns + ")", "dbo.AtomComposition (" + edgeColumns + ")",
                "dbo.TensorAtomCoefficient (" + coefficientColumns + ")");
        List<byte[]> dumps = new ArrayList<>();
        for (String out : outs) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            copy.copyOut("COPY (" + out + ") TO STDOUT (FORMAT binary)", bytes);
            dumps.add(bytes.toByteArray());
        }
        sql.setAutoCommit(false);
        double seconds;
        try {
            long start = System.nanoTime();
            for (int i = 0; i < ins.size(); i++) {
                copy.copyIn("COPY " + ins.get(i) + " FROM STDIN (FORMAT binary)", new ByteArrayInputStream(dumps.get(i)));
            }
            seconds = (System.nanoTime() - start) / 1e9;
        } finally {
            sql.rollback();
            sql.setAutoCommit(true);
        }
        try (Statement s = sql.createStatement()) {
            s.execute("VACUUM dbo.Atom, dbo.AtomComposition, dbo.TensorAtomCoefficient");
        }
        return seconds;
    }

    /**
     * The service's {@code hartonomous_atom_exclusive_retries_total} by reason: transactions that ran
     * holding the tenant's lock shared and ran again exclusively (a conflict with another upload on a
     * new atom, a count brought up from 0, ...).
     */
    private Map<String, Double> exclusiveReruns(ServiceUnderTest atom) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + atom.port + "/q/metrics"))
                .header("Accept", "text/plain").timeout(Duration.ofSeconds(30)).GET().build();
        String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> out = new java.util.TreeMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?m)^hartonomous_atom_exclusive_retries_total\\{[^}]*reason=\"([^\"]*)\"[^}]*\\} (\\S+)$")
                .matcher(body);
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }

    /**
     * How many row updates of dbo.Atom (reference counts, nearly all) the run made, and how many of
     * them were HOT (heap-only: the new row version on the same page, no new index entries). The
     * service's connections publish their counters within 10 s of going idle; each corpus's COPY
     * measurements take longer than that after its last update.
     */
    private static String countUpdates(Connection sql) throws Exception {
        try (Statement s = sql.createStatement()) {
            try (ResultSet r = s.executeQuery(
                    "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relid = 'dbo.atom'::regclass")) {
                r.next();
                long updates = r.getLong(1);
                long hot = r.getLong(2);
                return String.format("dbo.Atom row updates (reference counts): %d, of which HOT (no new index entries): %d (%.0f %%)",
                        updates, hot, updates == 0 ? 0.0 : 100.0 * hot / updates);
            }
        }
    }

    /** With -Dbench.statements=true: where the database spent its time (pg_stat_statements). */
    private void printStatements(Connection sql, String during, int limit) throws Exception {
        if (!statements) {
            return;
        }
        System.out.println();
        System.out.println("database time by statement during " + during + " (total ms, calls, rows, statement):");
        try (Statement s = sql.createStatement(); ResultSet r = s.executeQuery(
                "SELECT round(total_exec_time), calls, rows, regexp_replace(left(query, 150), '\\s+', ' ', 'g')"
                        + " FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT " + limit)) {
            while (r.next()) {
                System.out.printf("%10d %8d %10d  %s%n", r.getLong(1), r.getLong(2), r.getLong(3), r.getString(4));
            }
        }
    }

    /** Starts pg_stat_statements' counts over (with -Dbench.statements=true). */
    private void resetStatements(Connection sql) throws Exception {
        if (statements) {
            try (Statement s = sql.createStatement()) {
                s.execute("SELECT pg_stat_statements_reset()");
            }
        }
    }

    private static String group(Pattern p, String body) {
        Matcher m = p.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no " + p + " in " + body);
        }
        return m.group(1);
    }
}
