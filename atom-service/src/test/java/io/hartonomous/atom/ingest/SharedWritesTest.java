package io.hartonomous.atom.ingest;

import io.hartonomous.atom.store.AtomRepository;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.hartonomous.atom.ingest.TestingIngest.content;
import static io.hartonomous.atom.ingest.TestingIngest.post;
import static io.hartonomous.atom.ingest.TestingIngest.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads of one tenant write beside one another (the tenant's atom lock held shared) when they
 * only add references, and run again under the exclusive lock when they meet another writer on a
 * new atom or would bring a count up from 0. Everything against the real PostgreSQL, checked in
 * SQL: every count equals the edges from live parents plus the pins.
 */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class SharedWritesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Database db;

    @Inject
    MeterRegistry metrics;

    private double retries(String reason) {
        var counter = metrics.find("hartonomous_atom_exclusive_retries_total").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Text of {@code lines} lines drawn from a shared pool: long lines (tokens) and short ones (whole leaves). */
    private static byte[] text(Random random, List<String> pool, int lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines; i++) {
            out.writeBytes(pool.get(random.nextInt(pool.size())).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static List<String> pool(Random random, int size) {
        String[] words = "atom tenant shared lock count edge parent token line block hash root pin job chunk write"
                .split(" ");
        List<String> pool = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            StringBuilder line = new StringBuilder();
            int n = 2 + random.nextInt(i % 3 == 0 ? 4 : 30);
            for (int w = 0; w < n; w++) {
                line.append(words[random.nextInt(words.length)]).append(w % 7 == 6 ? ", " : " ");
            }
            pool.add(line.append(i).toString());
        }
        return pool;
    }

    /** Sends {@code files} as uploads of {@code tenant} named prefix0.txt, prefix1.txt, … on {@code threads}. */
    private static List<Future<Response>> submitUploads(ExecutorService threads, int tenant, String prefix, List<byte[]> files) {
        List<Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            byte[] file = files.get(i);
            String name = prefix + i + ".txt";
            answers.add(threads.submit(() -> post(tenant, name, file)));
        }
        return answers;
    }

    /** The upload answered 201 with a Completed job; returns its answer. */
    private static Response completed(Future<Response> upload) throws Exception {
        Response answer = upload.get(2, TimeUnit.MINUTES);
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(201);
        assertThat(answer.jsonPath().getString("status")).isEqualTo("Completed");
        return answer;
    }

    /** A transaction of the test's own, holding {@code tenant}'s atom lock shared as an upload's chunk does. */
    private SqlConnection holdSharedLock(int tenant) {
        SqlConnection conn = db.pool().getConnection().await().atMost(WAIT);
        conn.query("BEGIN").execute().await().atMost(WAIT);
        conn.preparedQuery("SELECT pg_advisory_xact_lock_shared(" + AtomRepository.LOCK_NAMESPACE + ", $1)")
                .execute(Tuple.of(tenant)).await().atMost(WAIT);
        return conn;
    }

    private static void end(SqlConnection conn, String how) {
        conn.query(how).execute().await().atMost(WAIT);
        conn.close().await().atMost(WAIT);
    }

    @Test
    void anUploadWritesWhileAnotherWriterOfTheTenantHoldsTheLockShared() throws Exception {
        int tenant = 36_001;
        byte[] file = text(new Random(1), pool(new Random(2), 80), 300);
        SqlConnection other = holdSharedLock(tenant);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            // with the lock exclusive for every writer this upload would wait for the other transaction
            completed(thread.submit(() -> post(tenant, "beside.txt", file)));
        } finally {
            end(other, "ROLLBACK");
            thread.shutdown();
        }
        assertThat(content(tenant, ContentHash.sha256(file).hex())).isEqualTo(file);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
    }

    @Test
    void concurrentUploadsOfOneTenantKeepEveryCountExact() throws Exception {
        int tenant = 36_002;
        Random random = new Random(3);
        List<String> pool = pool(random, 150);
        List<byte[]> files = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            files.add(text(random, pool, 20 + random.nextInt(200)));
        }
        files.add(files.get(0)); // the same content twice, under two names
        files.add(files.get(1));
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            for (Future<Response> f : submitUploads(threads, tenant, "f", files)) {
                completed(f);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        assertThat(TestingIngest.pins(db, tenant)).isEqualTo(files.size());
        Set<String> roots = new LinkedHashSet<>();
        for (byte[] file : files) {
            String root = ContentHash.sha256(file).hex();
            roots.add(root);
            assertThat(content(tenant, root)).isEqualTo(file);
        }
        // counts exact both ways: unpinned, everything is dead and collected, nothing stays live
        for (String root : roots) {
            given().auth().oauth2(token(tenant)).when().delete("/api/v1/roots/" + root).then().statusCode(200);
        }
        assertThat(TestingIngest.live(db, tenant)).isEmpty();
        for (int i = 0; i < 20 && TestingIngest.atoms(db, tenant) > 0; i++) {
            TestingIngest.gc(tenant);
        }
        assertThat(TestingIngest.atoms(db, tenant)).isZero();
    }

    @Test
    void sharedWritersBesideUnpinningAndGarbageCollectionLoseNothing() throws Exception {
        int tenant = 36_007;
        Random random = new Random(7);
        List<String> pool = pool(random, 120);
        List<byte[]> base = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            base.add(text(random, pool, 40 + random.nextInt(120)));
            assertThat(post(tenant, "base" + i + ".txt", base.get(i)).statusCode()).isEqualTo(201);
        }
        List<byte[]> files = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            // new files sharing lines (and so blocks and tokens) with the base files being unpinned
            files.add(text(random, pool, 40 + random.nextInt(120)));
        }
        ExecutorService threads = Executors.newFixedThreadPool(5);
        try {
            Future<?> remover = threads.submit(() -> {
                for (byte[] b : base) {
                    given().auth().oauth2(token(tenant)).when().delete("/api/v1/roots/" + ContentHash.sha256(b).hex())
                            .then().statusCode(200);
                    TestingIngest.gc(tenant);
                }
                return null;
            });
            for (Future<Response> f : submitUploads(threads, tenant, "new", files)) {
                completed(f);
            }
            remover.get(2, TimeUnit.MINUTES);
        } finally {
            threads.shutdownNow();
        }
        TestingIngest.gc(tenant);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        assertThat(TestingIngest.pins(db, tenant)).isEqualTo(files.size());
        for (byte[] file : files) {
            assertThat(content(tenant, ContentHash.sha256(file).hex())).isEqualTo(file);
        }
    }

    /** Waits until a backend waits for a lock in an insert into dbo.Atom (the upload meeting the other writer's row). */
    private void awaitAtomInsertWaiting(Future<Response> upload) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (TestingStore.count(db, """
                SELECT COUNT(*) FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO dbo.Atom %'""") == 0) {
            assertThat(upload.isDone()).as("the upload waits for the other writer's atom").isFalse();
            assertThat(System.nanoTime()).as("waited for the upload to meet the other writer").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aLeafAnotherWriterInsertedMeanwhileGetsTheUploadsReferencesAdded() throws Exception {
        int tenant = 36_003;
        String line = "a line both writers insert, short enough to be one leaf";
        byte[] file = (line + "\n" + "and another line of the file\n".repeat(3)).getBytes(StandardCharsets.UTF_8);
        byte[] leaf = (line + "\n").getBytes(StandardCharsets.UTF_8);
        double before = retries("conflict");
        SqlConnection other = holdSharedLock(tenant);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        Response answer;
        try {
            // the other writer inserts the line's atom and has not committed: the upload's insert waits for it
            other.preparedQuery("""
                    INSERT INTO dbo.Atom (TenantId, ContentHash, AtomicValue, ContentLength, Modality, Subtype, ReferenceCount)
                    VALUES ($1, $2, $3, $4, 'text', 'line', 0)""")
                    .execute(Tuple.of(tenant, io.vertx.core.buffer.Buffer.buffer(ContentHash.sha256(leaf).bytes()),
                            io.vertx.core.buffer.Buffer.buffer(leaf), (long) leaf.length))
                    .await().atMost(WAIT);
            Future<Response> upload = thread.submit(() -> post(tenant, "meets.txt", file));
            awaitAtomInsertWaiting(upload);
            end(other, "COMMIT");
            other = null;
            answer = completed(upload);
        } finally {
            if (other != null) {
                end(other, "ROLLBACK");
            }
            thread.shutdownNow();
        }
        assertThat(retries("conflict")).as("a leaf needs no second run").isEqualTo(before);
        // the leaf is the other writer's: reused, not created (nor billed) by the upload
        assertThat(answer.jsonPath().getLong("atomsCreated")).isEqualTo(TestingIngest.atoms(db, tenant) - 1);
        assertThat(answer.jsonPath().getLong("atomsReused")).isEqualTo(1);
        assertThat(content(tenant, ContentHash.sha256(file).hex())).isEqualTo(file);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        assertThat(TestingIngest.live(db, tenant)).containsEntry(ContentHash.sha256(leaf).hex(), 1L);
    }

    @Test
    void aCompositeAnotherWriterInsertedMeanwhileRunsTheChunkAgainExclusively() throws Exception {
        int source = 36_005;
        int tenant = 36_006;
        Random random = new Random(5);
        byte[] file = text(random, pool(random, 40), 60);
        String root = ContentHash.sha256(file).hex();
        assertThat(post(source, "source.txt", file).statusCode()).isEqualTo(201);
        double before = retries("conflict");
        SqlConnection other = holdSharedLock(tenant);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            // the other writer stores the same file (its tree as another tenant's ingestion built it,
            // and a pin) and has not committed: the upload's insert of its first composite waits for it
            other.preparedQuery("""
                    INSERT INTO dbo.Atom (TenantId, ContentHash, AtomicValue, ContentLength, Modality, Subtype, ContentType, ReferenceCount)
                    SELECT $1, ContentHash, AtomicValue, ContentLength, Modality, Subtype, ContentType, ReferenceCount
                    FROM dbo.Atom WHERE TenantId = $2""").execute(Tuple.of(tenant, source)).await().atMost(WAIT);
            other.preparedQuery("""
                    INSERT INTO dbo.AtomComposition (TenantId, ParentAtomHash, ComponentAtomHash, SequenceIndex,
                                                     PositionX, PositionY, PositionZ, PositionM)
                    SELECT $1, ParentAtomHash, ComponentAtomHash, SequenceIndex, PositionX, PositionY, PositionZ, PositionM
                    FROM dbo.AtomComposition WHERE TenantId = $2""").execute(Tuple.of(tenant, source)).await().atMost(WAIT);
            other.preparedQuery("INSERT INTO dbo.AtomRoot (TenantId, RootHash, SourceName) VALUES ($1, $2, 'the other writer')")
                    .execute(Tuple.of(tenant, io.vertx.core.buffer.Buffer.buffer(ContentHash.sha256(file).bytes())))
                    .await().atMost(WAIT);
            Future<Response> upload = thread.submit(() -> post(tenant, "meets.txt", file));
            awaitAtomInsertWaiting(upload);
            end(other, "COMMIT");
            other = null;
            Response answer = completed(upload);
            assertThat(answer.jsonPath().getLong("atomsCreated")).as("the other writer's atoms stand").isZero();
        } finally {
            if (other != null) {
                end(other, "ROLLBACK");
            }
            thread.shutdownNow();
        }
        assertThat(retries("conflict")).isGreaterThanOrEqualTo(before + 1);
        assertThat(TestingIngest.pins(db, tenant)).isEqualTo(2);
        assertThat(TestingIngest.live(db, tenant)).containsEntry(root, 2L);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        assertThat(content(tenant, root)).isEqualTo(file);
    }

    @Test
    void bringingACountUpFromZeroRunsExclusively() {
        int tenant = 36_004;
        Random random = new Random(4);
        List<String> pool = pool(random, 60);
        byte[] file = text(random, pool, 120);
        byte[] longer = (new String(file, StandardCharsets.UTF_8) + "one more line\n").getBytes(StandardCharsets.UTF_8);
        String root = ContentHash.sha256(file).hex();
        assertThat(post(tenant, "first.txt", file).statusCode()).isEqualTo(201);
        given().auth().oauth2(token(tenant)).when().delete("/api/v1/roots/" + root).then().statusCode(200);
        assertThat(TestingIngest.live(db, tenant)).isEmpty(); // dead, not collected

        double before = retries("count at zero");
        // the same content again: pinned by hash, its whole tree counts again
        Response again = post(tenant, "again.txt", file);
        assertThat(again.statusCode()).as(again.asString()).isEqualTo(201);
        assertThat(retries("count at zero")).isGreaterThanOrEqualTo(before + 1);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();

        // unpinned again, then a file that reuses its dead subtrees in a chunk
        given().auth().oauth2(token(tenant)).when().delete("/api/v1/roots/" + root).then().statusCode(200);
        Response reuse = post(tenant, "longer.txt", longer);
        assertThat(reuse.statusCode()).as(reuse.asString()).isEqualTo(201);
        assertThat(retries("count at zero")).isGreaterThanOrEqualTo(before + 2);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        assertThat(content(tenant, ContentHash.sha256(longer).hex())).isEqualTo(longer);
        TestingIngest.gc(tenant);
        assertThat(content(tenant, ContentHash.sha256(longer).hex())).isEqualTo(longer);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
    }
}
