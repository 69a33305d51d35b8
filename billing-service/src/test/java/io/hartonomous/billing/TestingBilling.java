package io.hartonomous.billing;

import io.hartonomous.common.testing.TestingTokens;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

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

    public static String service() {
        return TestingTokens.token(1, "service");
    }

    /** 00:00 UTC of yesterday: a time inside the accepted window whose buckets tests can predict. */
    public static Instant yesterday() {
        return Instant.now().truncatedTo(ChronoUnit.DAYS).minus(1, ChronoUnit.DAYS);
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
