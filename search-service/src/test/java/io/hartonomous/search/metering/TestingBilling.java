package io.hartonomous.search.metering;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for billing-service's {@code POST /api/v1/usage/batch} over real HTTP: counts each
 * idempotency key once, as billing does, and remembers how often a key arrived again. Can be told
 * to answer 503. Started with a fresh database; injected into the test's field of this type.
 */
public class TestingBilling implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    /** Counted events by idempotency key. */
    final Map<String, Map<String, Object>> counted = new ConcurrentHashMap<>();
    final AtomicInteger duplicates = new AtomicInteger();
    volatile boolean failing;

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/api/v1/usage/batch", exchange -> {
            byte[] answer;
            int status;
            if (failing) {
                status = 503;
                answer = "{}".getBytes(StandardCharsets.UTF_8);
            } else {
                List<Map<String, Object>> events = JSON.readValue(exchange.getRequestBody(), List.class);
                int accepted = 0;
                int duplicate = 0;
                for (Map<String, Object> e : events) {
                    if (counted.putIfAbsent((String) e.get("idempotencyKey"), e) == null) {
                        accepted++;
                    } else {
                        duplicate++;
                        duplicates.incrementAndGet();
                    }
                }
                status = 200;
                answer = JSON.writeValueAsBytes(Map.of("accepted", accepted, "duplicate", duplicate, "rejected", 0,
                        "results", List.of()));
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        Map<String, String> config = new HashMap<>(new TestingPostgresResource().start());
        config.put("hartonomous.search.metering.enabled", "true");
        config.put("hartonomous.service-token.private-key", io.hartonomous.common.testing.TestingTokens.privateKeyPem());
        config.put("quarkus.rest-client.billing.url", "http://127.0.0.1:" + server.getAddress().getPort());
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(this, new TestInjector.MatchesType(TestingBilling.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
