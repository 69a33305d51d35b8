package io.hartonomous.atom.ingest;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.Tx;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.UUID;

import static io.hartonomous.atom.ingest.CorpusRoundTripTest.resource;
import static io.hartonomous.atom.ingest.TestingIngest.content;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run that stalled past its lease (another worker took the job over, as a second replica's sweep
 * does) writes nothing more and leaves the job to its new holder: its chunk rolls back at the
 * lease check, and it neither fails the job nor releases the new holder's pending atoms, even
 * when its own run ends in an error. The new holder then finishes the job as usual.
 */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class LeaseLossTest {

    @Inject
    Database db;

    @Inject
    JobRepository jobs;

    @Inject
    JobRunner runner;

    @Inject
    Spool spool;

    @Inject
    IngestConfig config;

    /** A job of {@code tenant} for {@code body}, spooled and leased to {@code owner} for an hour; no run of it yet. */
    private UUID leasedJob(int tenant, String name, byte[] body, String owner, boolean batch) {
        UUID id = UUID.randomUUID();
        Spool.Spooled upload = spool.write(id, new ByteArrayInputStream(body));
        Tx.inTransaction(db, "create a test job", conn -> Tx.executeAll(conn, java.util.List.of(jobs.createStatement(id,
                tenant, name, null, config.chunkSize(), upload.hash(), upload.size(), upload.path().toString(), owner,
                JobRepository.now().plus(Duration.ofHours(1)), Job.options(true, batch, "")))));
        return id;
    }

    @Test
    void aRunWhoseLeaseWasTakenOverCommitsNothingAndTheHolderFinishes() {
        int tenant = 35_001;
        byte[] file = resource("GPL-3.txt");
        UUID id = leasedJob(tenant, "GPL-3.txt", file, "holder", false);

        Job afterStale = runner.run(id, "stale", true).orElseThrow();

        assertThat(afterStale.status()).isEqualTo(JobStatus.Processing);
        assertThat(afterStale.error()).isNull();
        assertThat(afterStale.offset()).isZero();
        assertThat(TestingIngest.atoms(db, tenant)).as("atoms the stale run left").isZero();
        assertThat(TestingIngest.pins(db, tenant)).isZero();

        Job done = runner.run(id, "holder", true).orElseThrow();

        assertThat(done.status()).isEqualTo(JobStatus.Completed);
        assertThat(done.rootHash()).isEqualTo(ContentHash.sha256(file));
        assertThat(content(tenant, done.rootHash().hex())).isEqualTo(file);
        assertThat(TestingIngest.pins(db, tenant)).isEqualTo(1);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        // its provenance (begun here by the run itself: the job was created without its activity)
        assertThat(TestingStore.count(db, "SELECT COUNT(*) FROM provenance.WasGeneratedBy g JOIN provenance.Activity a"
                + " ON a.TenantId = g.TenantId AND a.ActivityId = g.ActivityId WHERE a.TenantId = " + tenant
                + " AND a.EndedAt IS NOT NULL AND g.GeneratedRole = 'root'")).isEqualTo(1);
    }

    @Test
    void aRunWhoseLeaseWasTakenOverDoesNotFailTheJob() {
        int tenant = 35_002;
        // a batch must be a tar archive: any run of this job ends Failed
        UUID id = leasedJob(tenant, "not-a-tar.bin", "just some bytes, not an archive".getBytes(), "holder", true);

        Job afterStale = runner.run(id, "stale", true).orElseThrow();

        assertThat(afterStale.status()).isEqualTo(JobStatus.Processing);
        assertThat(afterStale.error()).isNull();

        Job done = runner.run(id, "holder", true).orElseThrow();

        assertThat(done.status()).isEqualTo(JobStatus.Failed);
        assertThat(done.error()).contains("tar archive");
    }
}
