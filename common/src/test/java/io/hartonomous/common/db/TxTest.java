package io.hartonomous.common.db;

import io.hartonomous.common.testing.TestingPostgres;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Tx#executeAll}: statements sent at once on one connection, on a real PostgreSQL. */
class TxTest {

    private Vertx vertx;
    private Pool pool;

    @BeforeEach
    void connect() {
        TestingPostgres.Database db = TestingPostgres.freshDatabase("tx");
        vertx = Vertx.vertx();
        pool = TestPools.of(db, vertx, 2);
        pool.query("CREATE TABLE Steps (V BIGINT NOT NULL)").executeAndAwait();
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.closeAndAwait();
        }
        if (vertx != null) {
            vertx.closeAndAwait();
        }
    }

    @Test
    void statementsSentAtOnceRunInTheOrderGivenAndAnswerInThatOrder() {
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            // doubling and adding do not commute: any reordering changes the final value
            List<Tx.Statement> statements = new ArrayList<>();
            statements.add(new Tx.Statement("DELETE FROM Steps", List.of()));
            statements.add(new Tx.Statement("INSERT INTO Steps VALUES ($1)", List.of(1L)));
            long expected = 1;
            List<Long> seen = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                if (random.nextBoolean()) {
                    statements.add(new Tx.Statement("UPDATE Steps SET V = V * 2 RETURNING V", List.of()));
                    expected *= 2;
                } else {
                    long add = random.nextInt(5) + 1;
                    statements.add(new Tx.Statement("UPDATE Steps SET V = V + $1 RETURNING V", List.of(add)));
                    expected += add;
                }
                seen.add(expected);
            }
            statements.add(new Tx.Statement("SELECT V FROM Steps", List.of()));

            List<RowSet<Row>> results = inTransaction(conn -> Tx.executeAll(conn, statements));

            assertThat(results).hasSize(statements.size());
            List<Long> answered = new ArrayList<>();
            for (int i = 2; i < results.size() - 1; i++) {
                answered.add(results.get(i).iterator().next().getLong(0));
            }
            assertThat(answered).isEqualTo(seen);
            assertThat(results.getLast().iterator().next().getLong(0)).isEqualTo(expected);
        }
    }

    @Test
    void theFirstFailureIsThrownAfterEveryStatementEndedAndNothingIsCommitted() {
        List<Tx.Statement> statements = List.of(
                new Tx.Statement("INSERT INTO Steps VALUES ($1)", List.of(1L)),
                new Tx.Statement("INSERT INTO Steps VALUES (CAST($1 AS BIGINT))", List.of("not a number")),
                new Tx.Statement("INSERT INTO Missing VALUES ($1)", List.of(3L)),
                new Tx.Statement("INSERT INTO Steps VALUES ($1)", List.of(4L)));

        assertThatThrownBy(() -> inTransaction(conn -> Tx.executeAll(conn, statements)))
                .hasMessageContaining("not a number");

        assertThat(pool.query("SELECT count(*) FROM Steps").executeAndAwait().iterator().next().getLong(0)).isZero();
        // the connection went back to the pool usable
        List<RowSet<Row>> after = inTransaction(conn -> Tx.executeAll(conn, List.of(new Tx.Statement("SELECT 41 + 1", List.of()))));
        assertThat(after.getFirst().iterator().next().getInteger(0)).isEqualTo(42);
    }

    @Test
    void noStatementsAnswerNothing() {
        List<RowSet<Row>> none = inTransaction(conn -> Tx.executeAll(conn, List.of()));
        assertThat(none).isEmpty();
    }

    /** As {@link Tx#inTransaction}, on this test's pool. */
    private <T> T inTransaction(java.util.function.Function<SqlConnection, T> work) {
        SqlConnection conn = pool.getConnectionAndAwait();
        try {
            Transaction tx = conn.beginAndAwait();
            try {
                T result = work.apply(conn);
                tx.commitAndAwait();
                return result;
            } catch (RuntimeException e) {
                tx.rollbackAndAwait();
                throw e;
            }
        } finally {
            conn.closeAndAwait();
        }
    }
}
