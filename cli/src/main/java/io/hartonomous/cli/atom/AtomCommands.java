package io.hartonomous.cli.atom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.cli.ServiceClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

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
        return hash.toLowerCase(java.util.Locale.ROOT);
    }

    @Command(name = "ingest", description = "Ingest files: each is hashed, pinned by its hash when the service already has "
            + "it, else streamed to the atom-service and atomized; prints its root hash (= sha256sum of the file) and the "
            + "atoms created and reused.")
    public static final class Ingest extends Client {
        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to ingest")
        List<Path> files;

        @Option(names = "--name", description = "Name to record for the source (one file only; default: the file's name)")
        String name;

        @Option(names = "--upload-always", description = "Upload even content the service already has (by default the "
                + "file is hashed first and known content is pinned by its hash, without an upload)")
        boolean uploadAlways;

        /** POST /api/v1/ingest/known for the file's SHA-256 (hashed here, streamed). */
        HttpRequest knownRequest(Path file) throws IOException {
            String source = name != null ? name : file.getFileName().toString();
            java.security.MessageDigest sha;
            try {
                sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            try (java.io.InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 20];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalArgumentException("no such file: " + file);
            }
            return to("/api/v1/ingest/known?sha256=" + java.util.HexFormat.of().formatHex(sha.digest()) + "&name="
                    + URLEncoder.encode(source, StandardCharsets.UTF_8)).POST(HttpRequest.BodyPublishers.noBody()).build();
        }

        @Override
        public HttpRequest request() {
            return request(files.get(0));
        }

        HttpRequest request(Path file) {
            String source = name != null ? name : file.getFileName().toString();
            try {
                // long uploads: the request waits for the whole job
                return to("/api/v1/ingest?name=" + URLEncoder.encode(source, StandardCharsets.UTF_8) + "&wait=true")
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
            int status = 0;
            for (Path file : files) {
                HttpResponse<String> response = null;
                if (!uploadAlways) {
                    // known content: pinned by its hash, nothing uploaded; unknown (404): uploaded below
                    response = HTTP.send(knownRequest(file), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 404) {
                        response = null;
                    }
                }
                if (response == null) {
                    response = HTTP.send(request(file), HttpResponse.BodyHandlers.ofString());
                }
                if (response.statusCode() >= 400) {
                    err.print(file + ": ");
                    status = fail(response.statusCode(), response.body());
                    continue;
                }
                JsonNode job = JSON.readTree(response.body());
                out.printf("%s  %s  %s created=%d reused=%d%n", job.path("rootHash").asText(), file,
                        job.path("status").asText(), job.path("atomsCreated").asLong(), job.path("atomsReused").asLong());
                if (!"Completed".equals(job.path("status").asText()) && response.statusCode() != 202) {
                    status = 1;
                }
            }
            return status;
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
