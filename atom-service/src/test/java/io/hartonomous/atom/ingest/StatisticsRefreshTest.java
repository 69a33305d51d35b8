package io.hartonomous.atom.ingest;

import io.hartonomous.atom.store.AtomRepository;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.hartonomous.atom.ingest.CorpusRoundTripTest.resource;
import static io.hartonomous.atom.ingest.TestingIngest.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The background statistics refresh covers the tables whose lookups and foreign-key checks would
 * otherwise keep plans made while they were nearly empty: the atom tables, the jobs and pins, and
 * the lineage tables other lineage rows reference.
 */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class StatisticsRefreshTest {

    private static final List<String> TABLES = List.of("dbo.atom", "dbo.atomcomposition", "dbo.ingestionjob",
            "dbo.atomroot", "provenance.activity", "provenance.entity", "provenance.agent");

    @Inject
    Database db;

    @Inject
    AtomRepository atoms;

    @Test
    void refreshAnalyzesTheAtomJobAndLineageTables() throws Exception {
        post(34_001, "GPL-3.txt", resource("GPL-3.txt")).then().statusCode(201);
        Instant before = Instant.now().minusSeconds(1);

        atoms.refreshStatistics();

        for (String table : TABLES) {
            String[] name = table.split("\\.");
            Instant deadline = Instant.now().plusSeconds(10);
            long analyzedSince;
            do {
                analyzedSince = TestingStore.count(db, """
                        SELECT COUNT(*) FROM pg_stat_user_tables
                        WHERE schemaname = '%s' AND relname = '%s' AND last_analyze >= to_timestamp(%d)"""
                        .formatted(name[0], name[1], before.getEpochSecond()));
                if (analyzedSince == 0) {
                    Thread.sleep(100);
                }
            } while (analyzedSince == 0 && Instant.now().isBefore(deadline));
            assertThat(analyzedSince).as("%s analyzed by the refresh", table).isEqualTo(1);
        }
        // the lineage tables now have their size: a foreign-key check into them plans an index probe
        assertThat(TestingStore.count(db, "SELECT reltuples::bigint FROM pg_class WHERE oid = 'provenance.activity'::regclass"))
                .isPositive();
    }
}
