package io.hartonomous.search.metering;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.Tx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage events go through dbo.SearchUsageOutbox on the embedded PostgreSQL to a billing stand-in
 * over HTTP: they survive a restart and are counted once however often they are sent.
 */
@QuarkusTest
@QuarkusTestResource(value = TestingBilling.class, restrictToAnnotatedClass = true)
class UsageOutboxTest {

    TestingBilling billing;

    private final Usage usage;
    private final Metering metering;
    private final MeteringConfig config;
    private final UsageRepository outbox;
    private final Database db;

    UsageOutboxTest(Usage usage, Metering metering, MeteringConfig config, UsageRepository outbox, Database db) {
        this.usage = usage;
        this.metering = metering;
        this.config = config;
        this.outbox = outbox;
        this.db = db;
    }

    @Test
    void eventsRecordedBeforeARestartAreDeliveredExactlyOnce() throws Exception {
        String run = UUID.randomUUID().toString();
        billing.failing = true;
        usage.record(51, Usage.SEARCHES, 1, "search:" + run);
        usage.record(51, Usage.EMBEDDINGS, 5, "embeddings:" + run);
        usage.record(52, Usage.INFERENCE_MS, 30, "inference:" + run);
        List<String> keys = List.of("search-service:search:" + run, "search-service:embeddings:" + run,
                "search-service:inference:" + run);

        // billing is down: the events reach the outbox and stay there
        await(() -> keysInOutbox(run) == 3, Duration.ofSeconds(10));
        assertThat(keysInOutbox(run)).isEqualTo(3);
        assertThat(usage.pending()).isZero();
        assertThat(billing.counted).doesNotContainKeys(keys.toArray(String[]::new));

        // a new process: nothing in memory, only the outbox; billing is back
        Usage restarted = new Usage(metering, config, outbox, new SimpleMeterRegistry());
        assertThat(restarted.pending()).isZero();
        billing.failing = false;
        await(() -> drained(restarted, run), Duration.ofSeconds(30));
        assertThat(keysInOutbox(run)).isZero();
        assertThat(billing.counted).containsKeys(keys.toArray(String[]::new));
        assertThat(billing.counted.get(keys.get(0)).get("quantity")).isEqualTo(1);
        assertThat(billing.counted.get(keys.get(1)).get("quantity")).isEqualTo(5);
        assertThat(billing.counted.get(keys.get(2)).get("quantity")).isEqualTo(30);
        assertThat(billing.counted.get(keys.get(2)).get("meter")).isEqualTo(Usage.INFERENCE_MS);
        assertThat(billing.counted.get(keys.get(2)).get("tenant")).isEqualTo(52);
    }

    @Test
    void aResendAfterACrashBetweenSendingAndDeletingCountsOnce() throws Exception {
        String key = "search-service:search:" + UUID.randomUUID();
        UsageRepository.Event event = new UsageRepository.Event(0, 53, key, Usage.SEARCHES, 1, LocalDateTime.now(ZoneOffset.UTC));
        outbox.insert(List.of(event, event));
        outbox.insert(List.of(event));
        assertThat(keysInOutbox(key)).as("the same event stored twice is one row").isLessThanOrEqualTo(1);
        await(() -> billing.counted.containsKey(key) && keysInOutbox(key) == 0, Duration.ofSeconds(30));
        assertThat(billing.counted).containsKey(key);

        // the process died after billing took it and before the row was deleted: the row is back
        int before = billing.duplicates.get();
        outbox.insert(List.of(event));
        Usage restarted = new Usage(metering, config, outbox, new SimpleMeterRegistry());
        await(() -> drained(restarted, key), Duration.ofSeconds(30));
        assertThat(keysInOutbox(key)).isZero();
        assertThat(billing.duplicates.get()).as("billing saw the resend as a duplicate").isGreaterThan(before);
        assertThat(billing.counted).containsKey(key);
    }

    private boolean drained(Usage sender, String fragment) {
        try {
            sender.drain();
        } catch (RuntimeException e) {
            // the circuit breaker may still be open after the outage: the next try sends
        }
        return keysInOutbox(fragment) == 0;
    }

    private long keysInOutbox(String fragment) {
        return Tx.execute(db, db.dialect().render("SELECT COUNT(*) FROM dbo.SearchUsageOutbox WHERE IdempotencyKey LIKE ?"),
                List.of("%" + fragment + "%"), "count").iterator().next().getLong(0);
    }

    private static void await(BooleanSupplier done, Duration within) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (!done.getAsBoolean() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
    }
}
