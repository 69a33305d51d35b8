package io.hartonomous.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * A command that calls one service of the suite: where it is ({@code --url}, else the service's
 * environment variable, else localhost) and who calls it ({@code --token}, else
 * {@code HARTONOMOUS_TOKEN}). By default it sends {@link #request()} and prints the response body,
 * exiting 1 for an error status.
 */
public abstract class ServiceClient implements Callable<Integer> {

    public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Option(names = "--url", description = "Base URL of the service (default: its HARTONOMOUS_*_URL variable, else localhost)")
    public String url;

    @Option(names = "--token", description = "Bearer token (default: $HARTONOMOUS_TOKEN)")
    public String token;

    public Function<String, String> env = System::getenv;
    public PrintStream out = System.out;
    public PrintStream err = System.err;

    /** The environment variable naming the service's base URL, e.g. HARTONOMOUS_ATOM_URL. */
    protected abstract String urlVariable();

    /** The base URL when neither --url nor the variable is set. */
    protected abstract String defaultUrl();

    public String baseUrl() {
        String u = url != null ? url : env.apply(urlVariable());
        u = u == null || u.isBlank() ? defaultUrl() : u;
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    public String bearer() {
        String t = token != null ? token : env.apply("HARTONOMOUS_TOKEN");
        if (t == null || t.isBlank()) {
            throw new IllegalArgumentException("no token: pass --token or set HARTONOMOUS_TOKEN (./hartonomous token prints one)");
        }
        return t;
    }

    /** The request this command sends. */
    public abstract HttpRequest request();

    @Override
    public Integer call() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request(), HttpResponse.BodyHandlers.ofString());
        out.println(response.body());
        return response.statusCode() < 400 ? 0 : 1;
    }

    /** A request to {@code pathAndQuery} of the service, authenticated, accepting JSON. */
    protected HttpRequest.Builder to(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer()).header("Accept", "application/json");
    }
}
