package io.hartonomous.billing;

import io.hartonomous.common.testing.TestingTokens;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Fixtures of the billing tests: a fresh tenant per test, tokens, events. */
public final class TestingBilling {

    private TestingBilling() {
    }

    /** A tenant id no other test uses (the Quarkus app and its database are shared by the test classes). */
    public static int freshTenant() {
        return ThreadLocalRandom.current().nextInt(1_000_000, 2_000_000_000);
    }

    public static String user(int tenant) {
        return TestingTokens.token(tenant, "ingest");
    }

    public static String admin(int tenant) {
        return TestingTokens.token(tenant, "admin");
    }

    /** The operator tenant of the test profile ({@code %test.hartonomous.billing.access.operator-tenant}). */
    public static final int OPERATOR_TENANT = 999;

    /** The operator's admin: administers every tenant and the global rate card. */
    public static String operator() {
        return TestingTokens.token(OPERATOR_TENANT, "admin");
    }

    public static String service() {
        return TestingTokens.token(1, "service");
    }

    /** 00:00 UTC of yesterday: a time inside the accepted window whose buckets tests can predict. */
    public static Instant yesterday() {
        return Instant.now().truncatedTo(ChronoUnit.DAYS).minus(1, ChronoUnit.DAYS);
    }

    /**
     * Runs {@code call(0..n-1)} on n threads released at once (so they really race, whatever the
     * number of cores) and answers the results in index order.
     */
    public static <T> List<T> concurrently(int n, IntFunction<T> call) {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.apply(index);
                }));
            }
            start.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(2, TimeUnit.MINUTES));
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    public static Map<String, Object> event(String key, String meter, long quantity, Instant at) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("idempotencyKey", key);
        e.put("meter", meter);
        e.put("quantity", quantity);
        e.put("timestamp", at.toString());
        return e;
    }
}
