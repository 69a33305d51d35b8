package io.hartonomous.atom.ingest;

import io.hartonomous.atom.store.AtomRepository;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
        // the ingestion may have set off a background refresh of its own: wait until the counts of
        // manual ANALYZE runs stand still, so that only the call below can move them
        Map<String, Long> before = analyzeCounts();
        Instant settle = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(settle)) {
            Thread.sleep(1500);
            Map<String, Long> now = analyzeCounts();
            if (now.equals(before)) {
                break;
            }
            before = now;
        }

        atoms.refreshStatistics();

        for (String table : TABLES) {
            Instant deadline = Instant.now().plusSeconds(10);
            long count;
            do {
                count = analyzeCounts().get(table); // statistics reach the view within a second or so
                if (count == before.get(table)) {
                    Thread.sleep(100);
                }
            } while (count == before.get(table) && Instant.now().isBefore(deadline));
            assertThat(count).as("%s analyzed by the refresh", table).isGreaterThan(before.get(table));
        }
        // the lineage tables now have their size: a foreign-key check into them plans an index probe
        assertThat(TestingStore.count(db, "SELECT reltuples::bigint FROM pg_class WHERE oid = 'provenance.activity'::regclass"))
                .isPositive();
        // and the next refresh's growth is measured against the atom tables as this one counted them
        long counted = TestingStore.count(db, "SELECT sum(GREATEST(reltuples, 0)::bigint) FROM pg_class"
                + " WHERE oid IN ('dbo.atom'::regclass, 'dbo.atomcomposition'::regclass)");
        assertThat(counted).isPositive();
        assertThat(atoms.rowsAtLastRefresh()).isEqualTo(counted);
    }

    /** How many times each of {@link #TABLES} was analyzed by an ANALYZE statement (not autovacuum). */
    private Map<String, Long> analyzeCounts() {
        Map<String, Long> counts = new TreeMap<>();
        for (String table : TABLES) {
            String[] name = table.split("\\.");
            counts.put(table, TestingStore.count(db, """
                    SELECT analyze_count FROM pg_stat_user_tables WHERE schemaname = '%s' AND relname = '%s'"""
                    .formatted(name[0], name[1])));
        }
        return counts;
    }
}
