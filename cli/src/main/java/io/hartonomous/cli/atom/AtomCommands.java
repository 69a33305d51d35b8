package io.hartonomous.cli.atom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.cli.ServiceClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/** {@code ingest}, {@code get}, {@code ls}, {@code stats}, {@code rm}: a thin client of the atom-service API. */
public final class AtomCommands {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("^[0-9a-fA-F]{64}$");

    private AtomCommands() {
    }

    /** A command that calls the atom-service. */
    abstract static class Client extends ServiceClient {
        @Override
        protected String urlVariable() {
            return "HARTONOMOUS_ATOM_URL";
        }

        @Override
        protected String defaultUrl() {
            return "http://localhost:8081";
        }

        /** Prints an error response's problem detail (or its body) to stderr; returns the exit status 1. */
        int fail(int status, String body) {
            String detail = body;
            try {
                JsonNode problem = JSON.readTree(body);
                if (problem != null && problem.hasNonNull("detail")) {
                    detail = problem.path("detail").asText();
                }
            } catch (IOException notJson) {
                // print the body as it came
            }
            err.println("error " + status + ": " + detail);
            return 1;
        }
    }

    static String checkHash(String hash) {
        if (!SHA256.matcher(hash).matches()) {
            throw new IllegalArgumentException("not a SHA-256 hex digest (64 hex digits): " + hash);
        }
        return hash.toLowerCase(Locale.ROOT);
    }

    @Command(name = "ingest", description = {"Ingest files: each is hashed, pinned by its hash when the service already "
            + "has it, else streamed to the atom-service and atomized; prints its root hash (= sha256sum of the file) and "
            + "the atoms created and reused.",
            "Several files travel in batches: one request per 10,000 files pins the known content (created=0 reused=1 "
                    + "each, like a single file), then one tar upload ingests all new content, each file becoming a root "
                    + "of its own; for the files of that upload, created and reused are the totals of the whole batch "
                    + "job. Content given twice is uploaded once and pinned under every name. Images and models are uploaded "
                    + "alone (a batch keeps only their bytes, not an image's raster or a model's rows)."})
    public static final class Ingest extends Client {
        /** The most files one {@code POST /api/v1/ingest/known/batch} takes. */
        static final int KNOWN_BATCH_MAX = 10_000;
        /** Roots per page of {@code GET /api/v1/jobs/{id}/roots}. */
        static final int ROOTS_PAGE = 1000;
        private static final Duration POLL = Duration.ofSeconds(1);

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to ingest")
        List<Path> files;

        @Option(names = "--name", description = "Name to record for the source (one file only; default: the file's name)")
        String name;

        @Option(names = "--upload-always", description = "Upload even content the service already has (by default the "
                + "file is hashed first and known content is pinned by its hash, without an upload); several files all go "
                + "into the one tar upload, repeated content included")
        boolean uploadAlways;

        /** A file's SHA-256 (lower-case hex) and the number of bytes that were hashed. */
        record Hashed(String sha256, long size) {
        }

        /** Reads {@code file} once, streamed; fails with "no such file" when it is missing. */
        static Hashed hash(Path file) throws IOException {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            long size = 0;
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                    size += n;
                }
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("no such file: " + file);
            }
            return new Hashed(HexFormat.of().formatHex(sha.digest()), size);
        }

        private String sourceName(Path file) {
            return name != null ? name : file.getFileName().toString();
        }

        /** POST /api/v1/ingest/known for the file's SHA-256 (hashed here, streamed). */
        HttpRequest knownRequest(Path file) throws IOException {
            return to("/api/v1/ingest/known?sha256=" + hash(file).sha256() + "&name="
                    + URLEncoder.encode(sourceName(file), StandardCharsets.UTF_8)).POST(HttpRequest.BodyPublishers.noBody()).build();
        }

        /** POST /api/v1/ingest/known/batch: pin each (hash, name) the tenant has, in one job. */
        HttpRequest knownBatchRequest(List<Path> group, List<Hashed> hashes) throws IOException {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode items = body.putArray("files");
            for (int i = 0; i < group.size(); i++) {
                items.addObject().put("sha256", hashes.get(i).sha256()).put("name", sourceName(group.get(i)));
            }
            return to("/api/v1/ingest/known/batch").timeout(Duration.ofMinutes(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        }

        /** POST /api/v1/ingest/batch?wait=true: the entries as one tar, streamed from the files as it is sent. */
        HttpRequest batchRequest(List<TarStream.Entry> entries) {
            HttpRequest.BodyPublisher tar = HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new TarStream(entries)), TarStream.length(entries));
            // HTTP/1.1: over h2c (which the client upgrades to after the first request) the 64 KiB
            // flow-control windows throttle large uploads (see IngestBench's client)
            return to("/api/v1/ingest/batch?wait=true").version(HttpClient.Version.HTTP_1_1).timeout(Duration.ofHours(6))
                    .header("Content-Type", "application/x-tar").POST(tar).build();
        }

        @Override
        public HttpRequest request() {
            return request(files.get(0));
        }

        HttpRequest request(Path file) {
            try {
                // long uploads: the request waits for the whole job
                return to("/api/v1/ingest?name=" + URLEncoder.encode(sourceName(file), StandardCharsets.UTF_8) + "&wait=true")
                        .timeout(Duration.ofHours(6)).header("Content-Type", contentType(file))
                        .POST(HttpRequest.BodyPublishers.ofFile(file)).build();
            } catch (java.io.FileNotFoundException e) {
                throw new IllegalArgumentException("no such file: " + file);
            }
        }

        private static String contentType(Path file) {
            try {
                String probed = Files.probeContentType(file);
                return probed == null ? "application/octet-stream" : probed;
            } catch (IOException e) {
                return "application/octet-stream";
            }
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (name != null && files.size() > 1) {
                throw new IllegalArgumentException("--name applies to one file only");
            }
            if (files.size() == 1) {
                return report(files.get(0), ingestOne(files.get(0)));
            }
            Outcome[] outcomes = ingestAll();
            int status = 0;
            for (int i = 0; i < files.size(); i++) {
                status = Math.max(status, report(files.get(i), outcomes[i]));
            }
            return status;
        }

        /** One file: pinned by its hash when known, else uploaded alone. */
        private Outcome ingestOne(Path file) throws IOException, InterruptedException {
            if (!uploadAlways) {
                HttpResponse<String> known = HTTP.send(knownRequest(file), HttpResponse.BodyHandlers.ofString());
                if (known.statusCode() != 404) {
                    return Outcome.of(known);
                }
            }
            return Outcome.of(HTTP.send(request(file), HttpResponse.BodyHandlers.ofString()));
        }

        /**
         * Several files: known content pinned by hash (a request per {@link #KNOWN_BATCH_MAX} files), the
         * rest uploaded in one tar, each content once; names whose content was in the upload are pinned
         * by hash after it.
         */
        private Outcome[] ingestAll() throws IOException, InterruptedException {
            List<Hashed> hashes = new ArrayList<>();
            for (Path file : files) {
                hashes.add(hash(file));
            }
            Outcome[] outcomes = new Outcome[files.size()];
            List<Integer> all = IntStream.range(0, files.size()).boxed().toList();
            List<Integer> unknown = uploadAlways ? all : pinKnown(all, hashes, outcomes);
            List<Integer> upload = new ArrayList<>();
            Map<Integer, Integer> copies = new LinkedHashMap<>();
            Map<String, Integer> first = new HashMap<>();
            for (int i : unknown) {
                Integer earlier = uploadAlways ? null : first.putIfAbsent(hashes.get(i).sha256(), i);
                if (earlier != null) {
                    copies.put(i, earlier);
                } else if (hashes.get(i).size() == 0 || needsAJobOfItsOwn(files.get(i))) {
                    // the batch skips empty files: alone, the service answers what it makes of one;
                    // images and models get their raster view and model rows only when sent alone
                    outcomes[i] = Outcome.of(HTTP.send(request(files.get(i)), HttpResponse.BodyHandlers.ofString()));
                } else {
                    upload.add(i);
                }
            }
            uploadBatch(upload, hashes, outcomes);
            List<Integer> pinAfter = new ArrayList<>();
            copies.forEach((copy, original) -> {
                if (outcomes[original].completed()) {
                    pinAfter.add(copy);
                } else {
                    outcomes[copy] = outcomes[original];
                }
            });
            for (int i : pinKnown(pinAfter, hashes, outcomes)) {
                outcomes[i] = Outcome.failed("the service does not have this content although the batch upload of "
                        + files.get(copies.get(i)) + " completed");
            }
            return outcomes;
        }

        /**
         * Pins the files the tenant has content of, by their hashes and names; records their outcomes
         * (or a failed request's) and returns the files whose content the service does not have.
         */
        private List<Integer> pinKnown(List<Integer> which, List<Hashed> hashes, Outcome[] outcomes)
                throws IOException, InterruptedException {
            List<Integer> unknown = new ArrayList<>();
            for (int from = 0; from < which.size(); from += KNOWN_BATCH_MAX) {
                List<Integer> group = which.subList(from, Math.min(which.size(), from + KNOWN_BATCH_MAX));
                HttpResponse<String> response = HTTP.send(knownBatchRequest(group.stream().map(files::get).toList(),
                        group.stream().map(hashes::get).toList()), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() >= 400) {
                    group.forEach(i -> outcomes[i] = Outcome.failed(response));
                    continue;
                }
                JsonNode answer = JSON.readTree(response.body());
                Set<String> notKnown = new HashSet<>();
                answer.path("unknown").forEach(h -> notKnown.add(h.asText().toLowerCase(Locale.ROOT)));
                for (int i : group) {
                    if (notKnown.contains(hashes.get(i).sha256())) {
                        unknown.add(i);
                    } else {
                        outcomes[i] = Outcome.line(hashes.get(i).sha256(), answer.path("status").asText(), 0, 1, true);
                    }
                }
            }
            return unknown;
        }

        /**
         * Uploads the files as one tar and records each one's outcome: completed when the job pinned a
         * root of its name and content, else the job's status or the failed request's error.
         */
        private void uploadBatch(List<Integer> upload, List<Hashed> hashes, Outcome[] outcomes)
                throws IOException, InterruptedException {
            if (upload.isEmpty()) {
                return;
            }
            List<TarStream.Entry> entries = upload.stream()
                    .map(i -> new TarStream.Entry(sourceName(files.get(i)), files.get(i), hashes.get(i).size())).toList();
            HttpResponse<String> response;
            try {
                HttpResponse<String> sent = HTTP.send(batchRequest(entries), HttpResponse.BodyHandlers.ofString());
                response = sent.statusCode() == 202 ? awaitJob(JSON.readTree(sent.body()).path("jobId").asText()) : sent;
            } catch (IOException e) {
                // e.g. a file that changed size while the tar was sent: nothing of the batch is pinned
                upload.forEach(i -> outcomes[i] = Outcome.failed("the batch upload failed: " + innermostMessage(e)));
                return;
            }
            if (response.statusCode() >= 400) {
                upload.forEach(i -> outcomes[i] = Outcome.failed(response));
                return;
            }
            JsonNode job = JSON.readTree(response.body());
            String status = job.path("status").asText();
            long created = job.path("atomsCreated").asLong();
            long reused = job.path("atomsReused").asLong();
            if (!"Completed".equals(status)) {
                upload.forEach(i -> outcomes[i] = Outcome.line(hashes.get(i).sha256(), status, created, reused, false));
                return;
            }
            String jobId = job.path("jobId").asText();
            Map<String, Integer> pinned = new HashMap<>();
            HttpResponse<String> failed = rootsOf(jobId, pinned);
            for (int i : upload) {
                String key = sourceName(files.get(i)) + "\n" + hashes.get(i).sha256();
                if (failed != null) {
                    outcomes[i] = Outcome.failed(failed);
                } else if (pinned.merge(key, -1, Integer::sum) >= 0) {
                    outcomes[i] = Outcome.line(hashes.get(i).sha256(), status, created, reused, true);
                } else {
                    outcomes[i] = Outcome.failed("batch job " + jobId + " pinned no root of this name with this content");
                }
            }
        }

        private static final Set<String> OWN_JOB_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp", "webp",
                "safetensors", "gguf", "onnx");

        /**
         * Whether the file is an image or a model (by its name or its first bytes): inside a batch the
         * service keeps only their bytes, sent alone it also stores an image's raster and a model's
         * Model, ModelLayer and coefficient rows.
         */
        static boolean needsAJobOfItsOwn(Path file) throws IOException {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            int dot = name.lastIndexOf('.');
            if (dot >= 0 && OWN_JOB_EXTENSIONS.contains(name.substring(dot + 1))) {
                return true;
            }
            byte[] head;
            try (InputStream in = Files.newInputStream(file)) {
                head = in.readNBytes(12);
            }
            String ascii = new String(head, StandardCharsets.ISO_8859_1);
            return ascii.startsWith("\u0089PNG") || ascii.startsWith("\u00ff\u00d8\u00ff") || ascii.startsWith("GIF8")
                    || ascii.startsWith("BM") && head.length >= 6 || ascii.startsWith("GGUF")
                    || ascii.startsWith("RIFF") && ascii.length() >= 12 && ascii.substring(8, 12).equals("WEBP");
        }

        /** Polls a job until it is finished; the last answer (the job, or an error). */
        private HttpResponse<String> awaitJob(String jobId) throws IOException, InterruptedException {
            while (true) {
                HttpResponse<String> response = HTTP.send(to("/api/v1/jobs/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() >= 400
                        || !List.of("Pending", "Processing").contains(JSON.readTree(response.body()).path("status").asText())) {
                    return response;
                }
                Thread.sleep(POLL.toMillis());
            }
        }

        /** Counts the job's roots by name and hash into {@code pinned}; the failed answer, if one was. */
        private HttpResponse<String> rootsOf(String jobId, Map<String, Integer> pinned) throws IOException, InterruptedException {
            for (int offset = 0; ; ) {
                HttpResponse<String> response = HTTP.send(to("/api/v1/jobs/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8)
                        + "/roots?offset=" + offset + "&limit=" + ROOTS_PAGE).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() >= 400) {
                    return response;
                }
                JsonNode roots = JSON.readTree(response.body()).path("roots");
                roots.forEach(r -> pinned.merge(r.path("name").asText() + "\n"
                        + r.path("rootHash").asText().toLowerCase(Locale.ROOT), 1, Integer::sum));
                offset += roots.size();
                if (roots.size() < ROOTS_PAGE) {
                    return null;
                }
            }
        }

        private static String innermostMessage(Throwable e) {
            String message = e.toString();
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t.getMessage() != null) {
                    message = t.getMessage();
                }
            }
            return message;
        }

        /** Prints the file's line (stdout) or error (stderr); the exit status it calls for. */
        private int report(Path file, Outcome outcome) {
            if (outcome.errorBody() != null) {
                err.print(file + ": ");
                return fail(outcome.errorStatus(), outcome.errorBody());
            }
            if (outcome.error() != null) {
                err.println(file + ": error: " + outcome.error());
                return 1;
            }
            out.printf("%s  %s  %s created=%d reused=%d%n", outcome.rootHash(), file, outcome.status(), outcome.created(),
                    outcome.reused());
            return outcome.ok() ? 0 : 1;
        }

        /**
         * What became of one file: its line (root hash, job status, atoms created and reused, and
         * whether that is success), or an error: the service's answer, or one found here.
         */
        record Outcome(String rootHash, String status, long created, long reused, boolean ok, int errorStatus,
                       String errorBody, String error) {

            static Outcome line(String rootHash, String status, long created, long reused, boolean ok) {
                return new Outcome(rootHash, status, created, reused, ok, 0, null, null);
            }

            static Outcome failed(HttpResponse<String> response) {
                return new Outcome(null, null, 0, 0, false, response.statusCode(), response.body(), null);
            }

            static Outcome failed(String error) {
                return new Outcome(null, null, 0, 0, false, 0, null, error);
            }

            /** The answer of /ingest or /ingest/known for one file: a job (finished, or still running: 202). */
            static Outcome of(HttpResponse<String> response) throws IOException {
                if (response.statusCode() >= 400) {
                    return failed(response);
                }
                JsonNode job = JSON.readTree(response.body());
                String status = job.path("status").asText();
                return line(job.path("rootHash").asText(), status, job.path("atomsCreated").asLong(),
                        job.path("atomsReused").asLong(), "Completed".equals(status) || response.statusCode() == 202);
            }

            boolean completed() {
                return "Completed".equals(status);
            }
        }
    }

    @Command(name = "get", description = "Write an atom's exact bytes to stdout or a file.")
    public static final class Get extends Client {
        @Parameters(index = "0", paramLabel = "SHA256", description = "The atom's hash")
        String hash;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of stdout")
        Path output;

        @Override
        public HttpRequest request() {
            return to("/api/v1/atoms/" + checkHash(hash) + "/content").header("Accept", "*/*")
                    .timeout(Duration.ofHours(6)).GET().build();
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            HttpResponse<InputStream> response = HTTP.send(request(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() >= 400) {
                    return fail(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                if (output == null) {
                    in.transferTo(out);
                    out.flush();
                    return 0;
                }
                // complete or nothing: a broken transfer leaves no partial file under the name
                Path partial = Files.createTempFile(output.toAbsolutePath().getParent(), ".hartonomous-", ".part");
                try {
                    try (OutputStream file = Files.newOutputStream(partial)) {
                        in.transferTo(file);
                    }
                    Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(partial);
                }
                return 0;
            }
        }
    }

    @Command(name = "ls", description = "List the tenant's ingested roots, newest first.")
    public static final class Ls extends Client {
        @Option(names = "--page", defaultValue = "0", description = "Page (from 0)")
        int page;

        @Option(names = "--size", defaultValue = "50", description = "Roots per page (default ${DEFAULT-VALUE})")
        int size;

        @Override
        public HttpRequest request() {
            return to("/api/v1/roots?page=" + page + "&size=" + size).GET().build();
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            HttpResponse<String> response = HTTP.send(request(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                return fail(response.statusCode(), response.body());
            }
            JsonNode page = JSON.readTree(response.body());
            for (JsonNode root : page.path("roots")) {
                out.printf("%s  %12d  %-8s  %s  %s%n", root.path("hash").asText(), root.path("size").asLong(),
                        root.path("modality").asText(), root.path("pinnedAt").asText(), root.path("sourceName").asText());
            }
            if (page.path("hasMore").asBoolean()) {
                out.println("… more: --page " + (this.page + 1));
            }
            return 0;
        }
    }

    @Command(name = "stats", description = "The tenant's store: atoms, compositions, bytes ingested vs stored, per modality.")
    public static final class Stats extends Client {
        @Override
        public HttpRequest request() {
            return to("/api/v1/stats").GET().build();
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            HttpResponse<String> response = HTTP.send(request(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                return fail(response.statusCode(), response.body());
            }
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(response.body())));
            return 0;
        }
    }

    @Command(name = "rm", description = "Unpin an ingested root: its atoms lose a reference; garbage collection removes "
            + "atoms nothing references any more.")
    public static final class Rm extends Client {
        @Parameters(index = "0", paramLabel = "SHA256", description = "The root's hash")
        String hash;

        @Override
        public HttpRequest request() {
            return to("/api/v1/roots/" + checkHash(hash)).DELETE().build();
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            HttpResponse<String> response = HTTP.send(request(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                return fail(response.statusCode(), response.body());
            }
            JsonNode unpinned = JSON.readTree(response.body());
            out.printf("unpinned %s (%d pin%s)%n", unpinned.path("rootHash").asText(), unpinned.path("pinsRemoved").asLong(),
                    unpinned.path("pinsRemoved").asLong() == 1 ? "" : "s");
            return 0;
        }
    }
}
