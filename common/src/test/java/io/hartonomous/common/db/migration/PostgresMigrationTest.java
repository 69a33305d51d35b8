package io.hartonomous.common.db.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hartonomous.common.testing.TestingPostgres;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the PostgreSQL migrations against a real (embedded) PostgreSQL and checks the behaviours
 * the schema promises: the 64-byte atom limit, per-tenant deduplication, tenant-scoped foreign
 * keys, system versioning into the history tables, and a durable billing ledger.
 */
class PostgresMigrationTest {

    static final String LOCATION = "classpath:db/migration/postgresql";

    /** Every table of the migrations (schema.table as the reference spells it). */
    static final List<String> EXPECTED_TABLES = List.of(
            "ref.Modality", "ref.Subtype", "ref.RelationType",
            "dbo.Concept", "dbo.Atom", "dbo.AtomHistory", "dbo.AtomComposition",
            "dbo.AtomRelation", "dbo.AtomRelations_History",
            "dbo.Model", "dbo.ModelLayer", "dbo.TensorAtomCoefficient", "dbo.TensorAtomCoefficients_History",
            "dbo.AtomEmbedding", "dbo.AtomEmbeddingComponent", "dbo.IngestionJob", "dbo.AtomRoot",
            "dbo.SearchUnit", "dbo.EmbeddingProjection", "dbo.SearchUsageOutbox",
            "dbo.LearningMetrics", "dbo.PendingActions", "dbo.AutonomousImprovementHistory",
            "provenance.Concepts", "provenance.AtomConcepts",
            "provenance.Agent", "provenance.Activity", "provenance.Entity", "provenance.Used",
            "provenance.WasGeneratedBy", "provenance.WasAssociatedWith", "provenance.WasDerivedFrom",
            "graph.AtomNode", "graph.AtomEdge",
            "dbo.BillingUsageLedger_InMemory", "dbo.InferenceCache_InMemory",
            "dbo.BillingUsageBucket", "dbo.BillingQuota", "dbo.BillingReservation", "dbo.BillingRateTier",
            "dbo.BillingInvoice", "dbo.BillingInvoiceLine", "dbo.BillingUsageSubject");

    static TestingPostgres.Database db;
    static MigrateResult firstMigration;

    @BeforeAll
    static void migrate() {
        db = TestingPostgres.freshDatabase("pg_migration");
        firstMigration = flyway().migrate();
    }

    static Flyway flyway() {
        return Flyway.configure()
                .dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations(LOCATION)
                .load();
    }

    @Test
    void appliesEveryMigration() {
        assertThat(firstMigration.success).isTrue();
        List<Integer> versions = scriptVersions();
        assertThat(firstMigration.migrationsExecuted).isEqualTo(versions.size());
        assertThat(firstMigration.targetSchemaVersion).isEqualTo(Integer.toString(versions.getLast()));
    }

    /**
     * The versions of the scripts, ascending, one script each. Version numbers are reserved per
     * change in flight, so a branch may miss a number another branch holds: gaps are allowed here.
     */
    static List<Integer> scriptVersions() {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of(
                PostgresMigrationTest.class.getResource("/db/migration/postgresql").toURI()))) {
            List<Integer> versions = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.+\\.sql"))
                    .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).sorted().toList();
            assertThat(versions).doesNotHaveDuplicates();
            return versions;
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void createsEveryTable() throws SQLException {
        Set<String> actual = new TreeSet<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT table_schema || '.' || table_name FROM information_schema.tables
                     WHERE table_schema IN ('dbo', 'provenance', 'graph', 'ref') AND table_type = 'BASE TABLE'
                     """)) {
            while (rs.next()) {
                actual.add(rs.getString(1));
            }
        }
        Set<String> expected = new TreeSet<>();
        EXPECTED_TABLES.forEach(t -> expected.add(t.toLowerCase()));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void secondMigrateIsANoOp() {
        MigrateResult again = flyway().migrate();
        assertThat(again.success).isTrue();
        assertThat(again.migrationsExecuted).isZero();
        assertThat(flyway().validateWithResult().validationSuccessful).isTrue();
    }

    @Test
    void seedsTheLookupLists() throws SQLException {
        try (Connection c = db.connect()) {
            assertThat(strings(c, "SELECT Code FROM ref.Modality"))
                    .containsExactlyInAnyOrder("text", "code", "image", "audio", "model", "database", "git", "binary");
            assertThat(strings(c, "SELECT Code FROM ref.RelationType WHERE IsSystem"))
                    .containsExactlyInAnyOrder("derives_from", "similar_to", "contradicts", "influences", "decodes_to");
            assertThat(strings(c, "SELECT Modality || '/' || Code FROM ref.Subtype"))
                    .contains("text/token", "text/line", "text/document", "image/pixel", "image/patch",
                            "model/float32-weight");
        }
    }

    @Test
    void atomicValueIsAtMost64Bytes() throws SQLException {
        try (Connection c = db.connect()) {
            insertAtom(c, 901, bytes(64, (byte) 1));
            assertThatThrownBy(() -> insertAtom(c, 901, bytes(65, (byte) 2)))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("ck_atom_atomicvaluelength");
            assertThatThrownBy(() -> insertAtom(c, 901, new byte[0]))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("ck_atom_atomicvaluelength");
        }
    }

    @Test
    void contentHashIsUniquePerTenantOnly() throws SQLException {
        byte[] value = "shared content".getBytes(StandardCharsets.UTF_8);
        try (Connection c = db.connect()) {
            insertAtom(c, 902, value);
            insertAtom(c, 903, value); // another tenant may hold the same content
            assertThatThrownBy(() -> insertAtom(c, 902, value))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("ix_atom_tenanthash");
            assertThat(count(c, "SELECT count(*) FROM dbo.Atom WHERE ContentHash = ?", sha256(value))).isEqualTo(2);
            // the CAS constraint serves ON CONFLICT inference for deduplicating inserts
            execute(c, """
                    INSERT INTO dbo.Atom (TenantId, ContentHash, AtomicValue, ContentLength, Modality)
                    VALUES (902, ?, ?, ?, 'text')
                    ON CONFLICT (TenantId, ContentHash) DO UPDATE SET ReferenceCount = dbo.Atom.ReferenceCount + 1""",
                    sha256(value), value, (long) value.length);
            assertThat(count(c, "SELECT ReferenceCount FROM dbo.Atom WHERE TenantId = 902 AND ContentHash = ?",
                    sha256(value))).isEqualTo(1);
        }
    }

    @Test
    void compositionCannotReachIntoAnotherTenant() throws SQLException {
        byte[] parent = "parent of tenant 904".getBytes(StandardCharsets.UTF_8);
        byte[] own = "component of tenant 904".getBytes(StandardCharsets.UTF_8);
        byte[] foreign = "component of tenant 905".getBytes(StandardCharsets.UTF_8);
        try (Connection c = db.connect()) {
            insertAtom(c, 904, parent);
            insertAtom(c, 904, own);
            insertAtom(c, 905, foreign);
            insertComposition(c, 904, sha256(parent), sha256(own), 0);
            // The component hash exists, but only in tenant 905: the (TenantId, hash) key rejects it.
            assertThatThrownBy(() -> insertComposition(c, 904, sha256(parent), sha256(foreign), 1))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("fk_atomcomposition_component");
            // An atom has one decomposition: the same sequence index cannot be stored twice ...
            assertThatThrownBy(() -> insertComposition(c, 904, sha256(parent), sha256(own), 0))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("pk_atomcomposition");
            // ... and the first one stored stands (the unique index serves ON CONFLICT inference).
            execute(c, """
                    INSERT INTO dbo.AtomComposition (TenantId, ParentAtomHash, ComponentAtomHash, SequenceIndex)
                    VALUES (904, ?, ?, 0) ON CONFLICT (TenantId, ParentAtomHash, SequenceIndex) DO NOTHING""",
                    sha256(parent), sha256(own));
            assertThat(count(c, "SELECT count(*) FROM dbo.AtomComposition WHERE TenantId = 904")).isEqualTo(1);
        }
    }

    /** V8 replaced the row-level keys of dbo.AtomComposition by statement-level checks: same rules. */
    @Test
    void compositionEndsAreCheckedPerStatement() throws SQLException {
        byte[] parent = "statement-checked parent".getBytes(StandardCharsets.UTF_8);
        byte[] child = "statement-checked child".getBytes(StandardCharsets.UTF_8);
        try (Connection c = db.connect()) {
            insertAtom(c, 908, parent);
            insertAtom(c, 908, child);
            assertThatThrownBy(() -> insertComposition(c, 908, sha256("no such atom".getBytes(StandardCharsets.UTF_8)),
                    sha256(child), 0))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("fk_atomcomposition_parent");
            insertComposition(c, 908, sha256(parent), sha256(child), 0);
            // a component still in use cannot be deleted ...
            assertThatThrownBy(() -> execute(c, "DELETE FROM dbo.Atom WHERE TenantId = 908 AND ContentHash = ?", sha256(child)))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("fk_atomcomposition_component");
            // ... and deleting the parent deletes its edges, after which the child can go
            execute(c, "DELETE FROM dbo.Atom WHERE TenantId = 908 AND ContentHash = ?", sha256(parent));
            assertThat(count(c, "SELECT count(*) FROM dbo.AtomComposition WHERE TenantId = 908")).isZero();
            execute(c, "DELETE FROM dbo.Atom WHERE TenantId = 908 AND ContentHash = ?", sha256(child));
        }
    }

    /** V16 replaced the row-level keys of lineage rows by statement-level checks: same rules. */
    @Test
    void lineageKeysAreCheckedPerStatement() throws SQLException {
        byte[] pinned = "a pinned file".getBytes(StandardCharsets.UTF_8);
        byte[] other = "another tenant's file".getBytes(StandardCharsets.UTF_8);
        try (Connection c = db.connect()) {
            insertAtom(c, 910, pinned);
            insertAtom(c, 911, other);
            // dbo.AtomRoot keeps its foreign key
            assertThatThrownBy(() -> execute(c, "INSERT INTO dbo.AtomRoot (TenantId, RootHash, SourceName) VALUES (910, ?, 'f.txt')",
                    sha256(other))).isInstanceOf(SQLException.class).hasMessageContaining("fk_atomroot_atom");

            long activity = count(c, "INSERT INTO provenance.Activity (TenantId, ActivityType, StartedAt) "
                    + "VALUES (910, 'ingestion', now()) RETURNING ActivityId");
            long foreignActivity = count(c, "INSERT INTO provenance.Activity (TenantId, ActivityType, StartedAt) "
                    + "VALUES (911, 'ingestion', now()) RETURNING ActivityId");
            long entity = count(c, "INSERT INTO provenance.Entity (TenantId, SourceName, ContentHash, ContentLength) "
                    + "VALUES (910, 'f.txt', decode(repeat('ab', 32), 'hex'), 13) RETURNING EntityId");
            String used = "INSERT INTO provenance.Used (TenantId, ActivityId, EntityId, UsedRole, UsedAt) "
                    + "SELECT 910, ?, ?, 'source', now()";
            assertThatThrownBy(() -> execute(c, used, foreignActivity, entity))
                    .isInstanceOf(SQLException.class).hasMessageContaining("fk_used_activity");
            assertThatThrownBy(() -> execute(c, used, activity, entity + 1000))
                    .isInstanceOf(SQLException.class).hasMessageContaining("fk_used_entity");
            execute(c, used, activity, entity);
            String generated = "INSERT INTO provenance.WasGeneratedBy (TenantId, ActivityId, AtomHash, GeneratedRole, GeneratedAt) "
                    + "VALUES (910, ?, ?, 'root', now())";
            assertThatThrownBy(() -> execute(c, generated, foreignActivity, sha256(pinned)))
                    .isInstanceOf(SQLException.class).hasMessageContaining("fk_wasgeneratedby_activity");
            execute(c, generated, activity, sha256(pinned));
            String derived = "INSERT INTO provenance.WasDerivedFrom (TenantId, GeneratedHash, UsedEntityId, ActivityId, "
                    + "DerivationType, RecordedAt) VALUES (910, ?, ?, ?, 'ingestion', now())";
            assertThatThrownBy(() -> execute(c, derived, sha256(pinned), entity + 1000, activity))
                    .isInstanceOf(SQLException.class).hasMessageContaining("fk_wasderivedfrom_entity");
            assertThatThrownBy(() -> execute(c, derived, sha256(pinned), entity, foreignActivity))
                    .isInstanceOf(SQLException.class).hasMessageContaining("fk_wasderivedfrom_activity");
            execute(c, derived, sha256(pinned), entity, activity);
            // a derivation from an atom names no entity, and one without an activity no activity
            execute(c, "INSERT INTO provenance.WasDerivedFrom (TenantId, GeneratedHash, UsedHash, DerivationType, RecordedAt) "
                    + "VALUES (910, ?, ?, 'decodes_to', now())", sha256(pinned), sha256(other));

            // what lineage rows name can be neither deleted nor re-keyed; ending an activity is an update like any other
            execute(c, "UPDATE provenance.Activity SET EndedAt = now() WHERE ActivityId = ?", activity);
            assertThatThrownBy(() -> execute(c, "DELETE FROM provenance.Activity WHERE ActivityId = ?", activity))
                    .isInstanceOf(SQLException.class).hasMessageContaining("activity");
            assertThatThrownBy(() -> execute(c, "UPDATE provenance.Activity SET TenantId = 911 WHERE ActivityId = ?", activity))
                    .isInstanceOf(SQLException.class).hasMessageContaining("activity");
            assertThatThrownBy(() -> execute(c, "DELETE FROM provenance.Entity WHERE EntityId = ?", entity))
                    .isInstanceOf(SQLException.class).hasMessageContaining("entity");
            assertThatThrownBy(() -> execute(c, "UPDATE provenance.Entity SET EntityId = EntityId + 1000 WHERE EntityId = ?",
                    entity)).isInstanceOf(SQLException.class).hasMessageContaining("entity");
            execute(c, "UPDATE provenance.Entity SET MediaType = 'text/plain' WHERE EntityId = ?", entity);
            execute(c, "DELETE FROM provenance.Activity WHERE ActivityId = ?", foreignActivity); // named by nothing
            assertThat(count(c, "SELECT count(*) FROM provenance.Used WHERE TenantId = 910")).isEqualTo(1);
        }
    }

    @Test
    void relationCannotJoinTwoTenants() throws SQLException {
        try (Connection c = db.connect()) {
            long mine = insertAtom(c, 906, "relation source".getBytes(StandardCharsets.UTF_8));
            long theirs = insertAtom(c, 907, "relation target".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> execute(c,
                    "INSERT INTO dbo.AtomRelation (TenantId, SourceAtomId, TargetAtomId, RelationType) VALUES (906, ?, ?, 'similar_to')",
                    mine, theirs))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("fk_atomrelation_target");

            // within one tenant it works, and deleting the source atom cascades to the relation,
            // which system versioning keeps in dbo.AtomRelations_History
            long target = insertAtom(c, 906, "relation target of tenant 906".getBytes(StandardCharsets.UTF_8));
            execute(c, "INSERT INTO dbo.AtomRelation (TenantId, SourceAtomId, TargetAtomId, RelationType, Confidence) "
                    + "VALUES (906, ?, ?, 'similar_to', 0.5)", mine, target);
            assertThatThrownBy(() -> execute(c,
                    "UPDATE dbo.AtomRelation SET Confidence = 1.5 WHERE SourceAtomId = ?", mine))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("ck_atomrelation_confidence");
            execute(c, "DELETE FROM dbo.Atom WHERE AtomId = ?", mine);
            assertThat(count(c, "SELECT count(*) FROM dbo.AtomRelation WHERE SourceAtomId = ?", mine)).isZero();
            assertThat(count(c, "SELECT count(*) FROM dbo.AtomRelations_History WHERE SourceAtomId = ? "
                    + "AND SysEndTime < TIMESTAMP '9999-01-01'", mine)).isEqualTo(1);
        }
    }

    @Test
    void updateAndDeleteOfAnAtomLeaveClosedPeriodsInHistory() throws SQLException {
        try (Connection c = db.connect()) {
            long atomId = insertAtom(c, 908, "versioned".getBytes(StandardCharsets.UTF_8));
            Timestamp insertedStart = timestamp(c, "SELECT SysStartTime FROM dbo.Atom WHERE AtomId = ?", atomId);
            assertThat(count(c, "SELECT count(*) FROM dbo.AtomHistory WHERE AtomId = ?", atomId)).isZero();

            // reference-count bookkeeping is not a version of the atom (V4): no history row
            execute(c, "UPDATE dbo.Atom SET ReferenceCount = ReferenceCount + 1 WHERE AtomId = ?", atomId);
            assertThat(count(c, "SELECT count(*) FROM dbo.AtomHistory WHERE AtomId = ?", atomId)).isZero();
            execute(c, "UPDATE dbo.Atom SET Subtype = 'renamed' WHERE AtomId = ?", atomId);
            assertThat(count(c, "SELECT count(*) FROM dbo.AtomHistory WHERE AtomId = ?", atomId)).isEqualTo(1);
            Timestamp updatedStart = timestamp(c, "SELECT SysStartTime FROM dbo.Atom WHERE AtomId = ?", atomId);
            assertThat(updatedStart).isAfterOrEqualTo(insertedStart);
            assertThat(timestamp(c, "SELECT SysEndTime FROM dbo.Atom WHERE AtomId = ?", atomId).toLocalDateTime().getYear())
                    .isEqualTo(9999);

            execute(c, "DELETE FROM dbo.Atom WHERE AtomId = ?", atomId);
            assertThat(count(c, "SELECT count(*) FROM dbo.Atom WHERE AtomId = ?", atomId)).isZero();

            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT ReferenceCount, SysStartTime, SysEndTime FROM dbo.AtomHistory
                    WHERE AtomId = ? ORDER BY SysStartTime, SysEndTime""")) {
                ps.setLong(1, atomId);
                try (ResultSet rs = ps.executeQuery()) {
                    List<long[]> counts = new ArrayList<>();
                    List<Timestamp[]> periods = new ArrayList<>();
                    while (rs.next()) {
                        counts.add(new long[] {rs.getLong(1)});
                        periods.add(new Timestamp[] {rs.getTimestamp(2), rs.getTimestamp(3)});
                    }
                    assertThat(counts).hasSize(2);
                    // the version before the UPDATE, then the version the DELETE removed
                    assertThat(counts.get(0)[0]).isEqualTo(1);
                    assertThat(counts.get(1)[0]).isEqualTo(1);
                    for (Timestamp[] period : periods) {
                        assertThat(period[1].toLocalDateTime().getYear()).as("closed period").isLessThan(9999);
                        assertThat(period[1]).isAfterOrEqualTo(period[0]);
                    }
                    assertThat(periods.get(0)[0]).isEqualTo(insertedStart);
                    assertThat(periods.get(1)[0]).isEqualTo(updatedStart);
                }
            }
        }
    }

    @Test
    void referenceCountChangesAreHotUpdatesAndIsDeadFollowsTheCount() throws SQLException {
        try (Connection c = db.connect()) {
            // no index may cover the count, or no count change could be a heap-only-tuple update (V15)
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
                            + " WHERE indrelid = 'dbo.atom'::regclass")) {
                int indexes = 0;
                while (rs.next()) {
                    indexes++;
                    assertThat(rs.getString(2).toLowerCase(Locale.ROOT)).as(rs.getString(1)).doesNotContain("referencecount");
                }
                assertThat(indexes).isGreaterThanOrEqualTo(5);
            }
            c.setAutoCommit(false);
            long atomId = insertAtom(c, 915, "hot".getBytes(StandardCharsets.UTF_8));
            String dead = "SELECT IsDead FROM dbo.Atom WHERE AtomId = ?";
            assertThat(count(c, dead, atomId)).isEqualTo(1);
            String hot = "SELECT pg_stat_get_xact_tuples_hot_updated('dbo.atom'::regclass)";
            execute(c, "UPDATE dbo.Atom SET ReferenceCount = 1 WHERE AtomId = ?", atomId);
            assertThat(count(c, dead, atomId)).isZero();
            long before = count(c, hot);
            execute(c, "UPDATE dbo.Atom SET ReferenceCount = 2 WHERE AtomId = ?", atomId);
            execute(c, "UPDATE dbo.Atom SET ReferenceCount = 1 WHERE AtomId = ?", atomId);
            assertThat(count(c, hot) - before).as("count changes that keep the atom alive are HOT").isEqualTo(2);
            execute(c, "UPDATE dbo.Atom SET ReferenceCount = 0 WHERE AtomId = ?", atomId);
            assertThat(count(c, dead, atomId)).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM dbo.Atom WHERE TenantId = 915 AND IsDead = 1")).isEqualTo(1);
            // the dialect's predicate is the one the dead-atom index answers, in garbage collection's order
            execute(c, "SET LOCAL enable_seqscan = off");
            List<String> plan = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN SELECT a.AtomId FROM dbo.Atom a WHERE a.TenantId = ? AND "
                    + new io.hartonomous.common.db.PostgresDialect().deadAtom("a") + " ORDER BY a.ContentLength DESC, a.AtomId LIMIT 10")) {
                ps.setInt(1, 915);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        plan.add(rs.getString(1));
                    }
                }
            }
            assertThat(String.join("\n", plan)).contains("using ix_atom_deadatoms").doesNotContain("Sort");
            c.rollback();
        }
    }

    @Test
    void v15UpgradesAStoreWithAtomsAndHistory() throws SQLException {
        // a store at V14 with a dead atom, a live one and a history row, then the upgrade
        TestingPostgres.Database old = TestingPostgres.freshDatabase("pg_upgrade_v15");
        Flyway.configure().dataSource(old.jdbcUrl(), old.user(), old.password()).locations(LOCATION)
                .target("14").load().migrate();
        try (Connection c = old.connect()) {
            long dead = insertAtom(c, 916, "dead".getBytes(StandardCharsets.UTF_8));
            long live = insertAtom(c, 916, "live".getBytes(StandardCharsets.UTF_8));
            execute(c, "UPDATE dbo.Atom SET ReferenceCount = 2 WHERE AtomId = ?", live);
            execute(c, "UPDATE dbo.Atom SET Subtype = 'renamed' WHERE AtomId = ?", live); // a history row, count 2
            Flyway.configure().dataSource(old.jdbcUrl(), old.user(), old.password()).locations(LOCATION).load().migrate();

            assertThat(count(c, "SELECT IsDead FROM dbo.Atom WHERE AtomId = ?", dead)).isEqualTo(1);
            assertThat(count(c, "SELECT IsDead FROM dbo.Atom WHERE AtomId = ?", live)).isZero();
            assertThat(count(c, "SELECT IsDead FROM dbo.AtomHistory WHERE AtomId = ?", live)).isZero();
            assertThat(count(c, "SELECT count(*) FROM dbo.AtomHistory WHERE IsDead IS NULL")).isZero();
            assertThat(columnSignature(c, "atomhistory")).isEqualTo(columnSignature(c, "atom"));
            // the versioning trigger still copies rows after the upgrade
            execute(c, "UPDATE dbo.Atom SET Subtype = 'again' WHERE AtomId = ?", live);
            assertThat(count(c, "SELECT count(*) FROM dbo.AtomHistory WHERE AtomId = ?", live)).isEqualTo(2);
            assertThat(count(c, "SELECT count(*) FROM pg_class WHERE oid = 'dbo.atom'::regclass"
                    + " AND 'fillfactor=90' = ANY(reloptions)")).isEqualTo(1);
        }
    }

    @Test
    void historyTablesHaveTheColumnsOfTheirCurrentTablesInOrder() throws SQLException {
        // dbo.SystemVersioning() copies the old row positionally (INSERT ... SELECT ($1).*).
        try (Connection c = db.connect()) {
            assertThat(columnSignature(c, "atomhistory")).isEqualTo(columnSignature(c, "atom"));
            assertThat(columnSignature(c, "atomrelations_history")).isEqualTo(columnSignature(c, "atomrelation"));
            assertThat(columnSignature(c, "tensoratomcoefficients_history"))
                    .isEqualTo(columnSignature(c, "tensoratomcoefficient"));
        }
    }

    @Test
    void embeddingBucketsAreComputed() throws SQLException {
        try (Connection c = db.connect()) {
            long atomId = insertAtom(c, 909, "embedded".getBytes(StandardCharsets.UTF_8));
            long modelId;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO dbo.Model (TenantId, ModelName, ModelType) VALUES (909, 'mini', 'transformer') RETURNING ModelId")) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    modelId = rs.getLong(1);
                }
            }
            execute(c, """
                    INSERT INTO dbo.AtomEmbedding (TenantId, SourceAtomId, ModelId, EmbeddingBytes, Dimensions,
                                                   SpatialX, SpatialY, SpatialZ, HilbertValue)
                    VALUES (909, ?, ?, ?, 2, -100, -0.5, 99.9, 42)""", atomId, modelId, new byte[8]);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT SpatialBucketX, SpatialBucketY, SpatialBucketZ FROM dbo.AtomEmbedding WHERE SourceAtomId = ?")) {
                ps.setLong(1, atomId);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)}).containsExactly(0, 9, 19);
                }
            }
            // 4 bytes per float32
            assertThatThrownBy(() -> execute(c, """
                    INSERT INTO dbo.AtomEmbedding (TenantId, SourceAtomId, ModelId, EmbeddingBytes, Dimensions,
                                                   SpatialX, SpatialY, SpatialZ, HilbertValue)
                    VALUES (909, ?, ?, ?, 3, 0, 0, 0, 0)""", atomId, modelId, new byte[8]))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("ck_atomembedding_bytes");
        }
    }

    @Test
    void billingLedgerIsDurableAndOnlyTheCacheIsUnlogged() throws SQLException {
        try (Connection c = db.connect()) {
            assertThat(persistence(c, "billingusageledger_inmemory")).isEqualTo("p");
            assertThat(persistence(c, "inferencecache_inmemory")).isEqualTo("u");
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("""
                         SELECT n.nspname || '.' || t.relname FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                         WHERE n.nspname IN ('dbo', 'provenance', 'graph', 'ref') AND t.relkind = 'r'
                           AND t.relpersistence <> 'p'""")) {
                List<String> unlogged = new ArrayList<>();
                while (rs.next()) {
                    unlogged.add(rs.getString(1));
                }
                assertThat(unlogged).containsExactly("dbo.inferencecache_inmemory");
            }
        }
    }

    @Test
    void usageEventIsUniquePerTenantAndIdempotencyKey() throws SQLException {
        try (Connection c = db.connect()) {
            String insert = "INSERT INTO dbo.BillingUsageLedger_InMemory (TenantId, OperationType, Quantity, IdempotencyKey)"
                    + " VALUES (?, 'searches', 1, 'k-1')";
            execute(c, insert, 910);
            execute(c, insert, 911); // another tenant may use the same key
            assertThatThrownBy(() -> execute(c, insert, 910))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("uq_billingusageledger_tenantkey");
        }
    }

    @Test
    void issuedInvoicesAndTheirLinesAreImmutable() throws SQLException {
        try (Connection c = db.connect()) {
            java.util.UUID invoice = java.util.UUID.randomUUID();
            execute(c, "INSERT INTO dbo.BillingInvoice (InvoiceId, TenantId, Period, Kind, Currency, TotalMicros, IssuedAt)"
                    + " VALUES (?, 912, '2026-03', 'invoice', 'USD', 5, now())", invoice);
            execute(c, "INSERT INTO dbo.BillingInvoiceLine (InvoiceId, LineNumber, TenantId, Meter, Quantity, AmountMicros,"
                    + " Description) VALUES (?, 1, 912, 'searches', 5, 5, 'searches')", invoice);
            assertThatThrownBy(() -> execute(c, "UPDATE dbo.BillingInvoice SET TotalMicros = 0 WHERE InvoiceId = ?", invoice))
                    .isInstanceOf(SQLException.class).hasMessageContaining("immutable");
            assertThatThrownBy(() -> execute(c, "DELETE FROM dbo.BillingInvoiceLine WHERE InvoiceId = ?", invoice))
                    .isInstanceOf(SQLException.class).hasMessageContaining("immutable");
            assertThatThrownBy(() -> execute(c, "TRUNCATE dbo.BillingInvoiceLine"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("immutable");
            // one invoice per tenant and period
            assertThatThrownBy(() -> execute(c, "INSERT INTO dbo.BillingInvoice (InvoiceId, TenantId, Period, Kind, Currency,"
                    + " TotalMicros, IssuedAt) VALUES (?, 912, '2026-03', 'invoice', 'USD', 5, now())", java.util.UUID.randomUUID()))
                    .isInstanceOf(SQLException.class).hasMessageContaining("ux_billinginvoice_tenantperiod");
        }
    }

    @Test
    void provenanceNeverJoinsTwoTenantsAndRelationsAreUnique() throws SQLException {
        try (Connection c = db.connect()) {
            java.util.UUID job = java.util.UUID.randomUUID();
            execute(c, "INSERT INTO dbo.IngestionJob (JobId, TenantId, FileName) VALUES (?, 913, 'a.txt')", job);
            long activity = count(c, "INSERT INTO provenance.Activity (TenantId, JobId, ActivityType, StartedAt)"
                    + " VALUES (913, ?, 'ingestion', now()) RETURNING ActivityId", job);
            // another tenant's activity cannot be joined, nor a job of another tenant
            assertThatThrownBy(() -> execute(c, "INSERT INTO provenance.WasGeneratedBy (TenantId, ActivityId, AtomHash,"
                    + " GeneratedRole, GeneratedAt) VALUES (914, ?, ?, 'root', now())", activity, sha256(new byte[]{1})))
                    .isInstanceOf(SQLException.class).hasMessageContaining("fk_wasgeneratedby_activity");
            assertThatThrownBy(() -> execute(c, "INSERT INTO provenance.Activity (TenantId, JobId, ActivityType, StartedAt)"
                    + " VALUES (914, ?, 'ingestion', now())", job))
                    .isInstanceOf(SQLException.class).hasMessageContaining("fk_activity_job");
            // a derivation names exactly one origin
            assertThatThrownBy(() -> execute(c, "INSERT INTO provenance.WasDerivedFrom (TenantId, GeneratedHash,"
                    + " DerivationType, RecordedAt) VALUES (913, ?, 'decodes_to', now())", sha256(new byte[]{2})))
                    .isInstanceOf(SQLException.class).hasMessageContaining("ck_wasderivedfrom_oneused");

            long a = insertAtom(c, 913, "relation source".getBytes(StandardCharsets.UTF_8));
            long b = insertAtom(c, 913, "relation target".getBytes(StandardCharsets.UTF_8));
            String relation = "INSERT INTO dbo.AtomRelation (TenantId, SourceAtomId, TargetAtomId, RelationType)"
                    + " VALUES (913, ?, ?, 'similar_to')";
            execute(c, relation, a, b);
            assertThatThrownBy(() -> execute(c, relation, a, b))
                    .isInstanceOf(SQLException.class).hasMessageContaining("ux_atomrelation_key");
        }
    }

    // ------------------------------------------------------------------ helpers

    static long insertAtom(Connection c, int tenantId, byte[] value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO dbo.Atom (TenantId, ContentHash, AtomicValue, ContentLength, Modality, Subtype)
                VALUES (?, ?, ?, ?, 'text', 'token') RETURNING AtomId""")) {
            ps.setInt(1, tenantId);
            ps.setBytes(2, sha256(value));
            ps.setBytes(3, value);
            ps.setLong(4, value.length);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void insertComposition(Connection c, int tenantId, byte[] parent, byte[] component, long sequence)
            throws SQLException {
        execute(c, """
                INSERT INTO dbo.AtomComposition (TenantId, ParentAtomHash, ComponentAtomHash, SequenceIndex)
                VALUES (?, ?, ?, ?)""", tenantId, parent, component, sequence);
    }

    static void execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    static long count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static Timestamp timestamp(Connection c, String sql, Object arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getTimestamp(1);
            }
        }
    }

    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static List<String> columnSignature(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT column_name, data_type, is_nullable FROM information_schema.columns
                WHERE table_schema = 'dbo' AND table_name = ? ORDER BY ordinal_position""")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
                }
            }
        }
        assertThat(out).as("columns of dbo.%s", table).isNotEmpty();
        return out;
    }

    static String persistence(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT t.relpersistence FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'dbo' AND t.relname = ?""")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("table dbo.%s exists", table).isTrue();
                return rs.getString(1);
            }
        }
    }

    static byte[] bytes(int length, byte fill) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, fill);
        return b;
    }

    static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
