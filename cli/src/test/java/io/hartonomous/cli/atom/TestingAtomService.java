package io.hartonomous.cli.atom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * An in-process stand-in for atom-service's ingest endpoints, answering as the contract says:
 * {@code /ingest/known/batch}, {@code /ingest/batch} (whose tar body the system's tar reads),
 * {@code /jobs/{id}}, {@code /jobs/{id}/roots}, and the single-file {@code /ingest/known} and
 * {@code /ingest}. It records every request and the pins it made.
 */
final class TestingAtomService implements AutoCloseable {

    static final String TOKEN = "t";
    static final long BATCH_CREATED = 7;
    static final long BATCH_REUSED = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    /** One request as it arrived; {@code body} is the saved tar for a batch upload. */
    record Received(String method, String path, Map<String, String> query, String contentType, byte[] body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    /** A root a request pinned. */
    record Pin(String name, String hash) {
    }

    final List<Received> requests = Collections.synchronizedList(new ArrayList<>());
    final List<Pin> pins = Collections.synchronizedList(new ArrayList<>());
    /** The tenant's content, by SHA-256. */
    final Set<String> known = ConcurrentHashMap.newKeySet();
    /** The ids of the batch jobs, in order. */
    final List<String> batchJobs = Collections.synchronizedList(new ArrayList<>());
    /** Tar bodies received, each saved to a file. */
    final List<Path> tars = Collections.synchronizedList(new ArrayList<>());
    /** When set, the batch upload answers this status with a problem whose detail is {@link #batchDetail}. */
    volatile int batchFailure;
    volatile String batchDetail = "";
    /** When set, the batch upload answers 202 and the job is finished when it is next asked for. */
    volatile boolean batchStillRunning;
    /** Runs when a known/batch request arrives, before it is answered. */
    volatile Runnable onKnownBatch = () -> { };

    private final Path dir;
    private final HttpServer server;
    private final Map<String, List<Pin>> jobRoots = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> jobs = new ConcurrentHashMap<>();

    TestingAtomService(Path dir) throws IOException {
        this.dir = dir;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The requests whose path is {@code path}. */
    List<Received> to(String path) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String method = exchange.getRequestMethod();
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (method.equals("POST") && path.equals("/api/v1/ingest/batch")) {
                Path tar = Files.write(dir.resolve("batch-" + tars.size() + ".tar"), body);
                tars.add(tar);
            }
            requests.add(new Received(method, path, query, contentType, body));
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, 401, problem(401, "no token"));
                return;
            }
            if (method.equals("POST") && path.equals("/api/v1/ingest/known/batch")) {
                onKnownBatch.run();
                knownBatch(exchange, body);
            } else if (method.equals("POST") && path.equals("/api/v1/ingest/batch")) {
                batch(exchange, query, body);
            } else if (method.equals("POST") && path.equals("/api/v1/ingest/known")) {
                String hash = query.get("sha256");
                if (!known.contains(hash)) {
                    answer(exchange, 404, problem(404, "No stored content has SHA-256 " + hash));
                    return;
                }
                pins.add(new Pin(query.get("name"), hash));
                answer(exchange, 201, job(hash, query.get("name"), 0, 1));
            } else if (method.equals("POST") && path.equals("/api/v1/ingest")) {
                if (body.length == 0) {
                    answer(exchange, 400, problem(400, "The upload is empty: there is nothing to atomize."));
                    return;
                }
                String hash = sha256(body);
                known.add(hash);
                pins.add(new Pin(query.get("name"), hash));
                answer(exchange, 201, job(hash, query.get("name"), 5, 0));
            } else if (method.equals("GET") && path.matches("/api/v1/jobs/[^/]+/roots")) {
                roots(exchange, path.split("/")[4], query);
            } else if (method.equals("GET") && path.matches("/api/v1/jobs/[^/]+")) {
                ObjectNode job = jobs.get(path.split("/")[4]);
                if (job == null) {
                    answer(exchange, 404, problem(404, "No job"));
                    return;
                }
                job.put("status", "Completed");
                answer(exchange, 200, job);
            } else {
                answer(exchange, 404, problem(404, "no route " + method + " " + path));
            }
        }
    }

    private void knownBatch(HttpExchange exchange, byte[] body) throws IOException {
        JsonNode files = JSON.readTree(body).path("files");
        if (!files.isArray() || files.isEmpty() || files.size() > 10_000) {
            answer(exchange, 400, problem(400, "1 to 10,000 files"));
            return;
        }
        for (JsonNode f : files) {
            String name = f.path("name").asText();
            if (!HASH.matcher(f.path("sha256").asText()).matches()) {
                answer(exchange, 400, problem(400, "bad hash " + f.path("sha256")));
                return;
            }
            if (name.isEmpty() || name.length() > 255 || CONTROL.matcher(name).find()) {
                answer(exchange, 400, problem(400, "The name contains control characters."));
                return;
            }
        }
        List<Pin> pinned = new ArrayList<>();
        Set<String> unknown = new LinkedHashSet<>();
        for (JsonNode f : files) {
            String hash = f.path("sha256").asText();
            if (known.contains(hash)) {
                pinned.add(new Pin(f.path("name").asText(), hash));
            } else {
                unknown.add(hash);
            }
        }
        pins.addAll(pinned);
        ObjectNode answer = JSON.createObjectNode();
        if (pinned.isEmpty()) {
            answer.putNull("jobId");
        } else {
            answer.put("jobId", UUID.randomUUID().toString()).put("status", "Completed");
        }
        answer.put("pinned", pinned.size());
        ArrayNode list = answer.putArray("unknown");
        unknown.forEach(list::add);
        answer(exchange, pinned.isEmpty() ? 200 : 201, answer);
    }

    private void batch(HttpExchange exchange, Map<String, String> query, byte[] body) throws IOException {
        if (!"true".equals(query.get("wait")) || !"application/x-tar".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            answer(exchange, 400, problem(400, "wait=true and application/x-tar expected"));
            return;
        }
        if (batchFailure != 0) {
            answer(exchange, batchFailure, problem(batchFailure, batchDetail));
            return;
        }
        Path tar = tars.get(tars.size() - 1);
        Path out = Files.createDirectories(dir.resolve(tar.getFileName() + ".d"));
        List<Pin> roots = new ArrayList<>();
        try {
            TestingTar.extract(tar, out);
            for (String name : TestingTar.list(tar)) {
                Path file = out.resolve(name);
                if (Files.isRegularFile(file) && Files.size(file) > 0) {
                    roots.add(new Pin(name, sha256(Files.readAllBytes(file))));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        roots.forEach(r -> known.add(r.hash()));
        pins.addAll(roots);
        String id = UUID.randomUUID().toString();
        jobRoots.put(id, roots);
        batchJobs.add(id);
        ObjectNode job = job(sha256(body), null, BATCH_CREATED, BATCH_REUSED).put("jobId", id).put("roots", roots.size());
        jobs.put(id, job.deepCopy());
        if (batchStillRunning) {
            exchange.getResponseHeaders().add("Location", "/api/v1/jobs/" + id);
            answer(exchange, 202, job.put("status", "Processing"));
            return;
        }
        answer(exchange, 201, job);
    }

    private void roots(HttpExchange exchange, String id, Map<String, String> query) throws IOException {
        List<Pin> roots = jobRoots.get(id);
        if (roots == null) {
            answer(exchange, 404, problem(404, "No job " + id));
            return;
        }
        int offset = Integer.parseInt(query.getOrDefault("offset", "0"));
        int limit = Integer.parseInt(query.getOrDefault("limit", "1000"));
        ObjectNode page = JSON.createObjectNode().put("jobId", id).put("offset", offset).put("limit", limit);
        ArrayNode list = page.putArray("roots");
        roots.stream().skip(offset).limit(limit)
                .forEach(r -> list.addObject().put("name", r.name()).put("rootHash", r.hash()).put("bytes", 1));
        answer(exchange, 200, page);
    }

    private static ObjectNode job(String rootHash, String name, long created, long reused) {
        ObjectNode job = JSON.createObjectNode().put("jobId", UUID.randomUUID().toString()).put("status", "Completed")
                .put("rootHash", rootHash).put("atomsCreated", created).put("atomsReused", reused);
        return name == null ? job.putNull("name") : job.put("name", name);
    }

    private static ObjectNode problem(int status, String detail) {
        return JSON.createObjectNode().put("title", "Problem").put("status", status).put("detail", detail);
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }
}
