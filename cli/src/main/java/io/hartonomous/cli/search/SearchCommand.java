package io.hartonomous.cli.search;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code search "…" [--mode] [--modality] [-k]}: a thin client of search-service's GET /api/v1/search. Prints its JSON. */
@Command(name = "search", description = "Search the caller's atoms (search-service).")
public final class SearchCommand implements Callable<Integer> {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Parameters(index = "0", description = "The query text")
    String query;

    @Option(names = "--mode", defaultValue = "hybrid", description = "vector, bm25, hybrid or spatial (default ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--modality", description = "Only these modalities (comma-separated): text, code, image, audio, model, database, git, binary")
    String modality;

    @Option(names = {"-k", "--k"}, defaultValue = "10", description = "Number of results (default ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--subtype", description = "Only these subtypes (comma-separated), e.g. method, block")
    String subtype;

    @Option(names = "--fusion", description = "Hybrid fusion: rrf or score")
    String fusion;

    @Option(names = "--url", description = "search-service base URL (default: $HARTONOMOUS_SEARCH_URL or http://localhost:8082)")
    String url;

    @Option(names = "--token", description = "Bearer token (default: $HARTONOMOUS_TOKEN)")
    String token;

    Function<String, String> env = System::getenv;
    PrintStream out = System.out;

    /** The request this command sends. */
    HttpRequest request() {
        String u = url != null ? url : env.apply("HARTONOMOUS_SEARCH_URL");
        u = u == null || u.isBlank() ? "http://localhost:8082" : u;
        u = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        String t = token != null ? token : env.apply("HARTONOMOUS_TOKEN");
        if (t == null || t.isBlank()) {
            throw new IllegalArgumentException("no token: pass --token or set HARTONOMOUS_TOKEN (./hartonomous token prints one)");
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("q", query);
        params.put("mode", mode);
        params.put("k", Integer.toString(k));
        if (modality != null) {
            params.put("modality", modality);
        }
        if (subtype != null) {
            params.put("subtype", subtype);
        }
        if (fusion != null) {
            params.put("fusion", fusion);
        }
        String qs = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create(u + "/api/v1/search?" + qs)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + t).header("Accept", "application/json").GET().build();
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request(), HttpResponse.BodyHandlers.ofString());
        out.println(response.body());
        return response.statusCode() < 400 ? 0 : 1;
    }
}
