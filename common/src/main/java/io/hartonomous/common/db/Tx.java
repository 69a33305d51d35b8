package io.hartonomous.common.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Runs database work from worker threads (ingestion jobs, reconstruction, the embedding pipeline,
 * searches): waits on the reactive client's results there, never on an event-loop thread. One
 * transaction per {@link #inTransaction} call.
 */
public final class Tx {

    static final Duration STATEMENT_TIMEOUT = Duration.ofMinutes(5);

    private Tx() {
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public static <T> T inTransaction(Database db, String operation, Function<SqlConnection, T> work) {
        SqlConnection conn;
        try {
            conn = db.pool().getConnection().await().atMost(STATEMENT_TIMEOUT);
        } catch (RuntimeException e) {
            throw Database.translate(e, operation);
        }
        try {
            Transaction tx = conn.begin().await().atMost(STATEMENT_TIMEOUT);
            try {
                T result = work.apply(conn);
                tx.commit().await().atMost(STATEMENT_TIMEOUT);
                return result;
            } catch (RuntimeException e) {
                try {
                    tx.rollback().await().atMost(STATEMENT_TIMEOUT);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        } catch (RuntimeException e) {
            throw Database.translate(e, operation);
        } finally {
            conn.close().await().atMost(STATEMENT_TIMEOUT);
        }
    }

    public static RowSet<Row> execute(SqlConnection conn, String sql, List<Object> params) {
        return conn.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(STATEMENT_TIMEOUT);
    }

    /** A statement with its parameters, for {@link #executeAll}. */
    public record Statement(String sql, List<Object> params) {
    }

    /** A statement's answer or failure. */
    private record Outcome(RowSet<Row> rows, Throwable failure) {
    }

    /**
     * Sends {@code statements} on the connection at once and waits for all of their answers: the
     * server runs them one after the other in the order given, as if each had waited for the one
     * before, but the round trips (and the hops between the calling thread and the connection's
     * event loop) overlap. Only for statements whose parameters do not depend on one another's
     * results. Returns the results in order. When any fails, every one has ended before the first
     * failure (in order) is thrown, so a rollback that follows comes after all of them.
     */
    public static List<RowSet<Row>> executeAll(SqlConnection conn, List<Statement> statements) {
        if (statements.size() == 1) {
            return List.of(execute(conn, statements.get(0).sql(), statements.get(0).params()));
        }
        List<Uni<Outcome>> sent = new java.util.ArrayList<>(statements.size());
        for (Statement s : statements) {
            sent.add(conn.preparedQuery(s.sql()).execute(Tuple.from(s.params()))
                    .onItemOrFailure().transform(Outcome::new));
        }
        List<Outcome> outcomes = statements.isEmpty() ? List.of()
                : Uni.join().all(sent).andFailFast().await().atMost(STATEMENT_TIMEOUT);
        List<RowSet<Row>> results = new java.util.ArrayList<>(outcomes.size());
        for (Outcome o : outcomes) {
            if (o.failure() != null) {
                if (o.failure() instanceof RuntimeException e) {
                    throw e;
                }
                throw new IllegalStateException(o.failure());
            }
            results.add(o.rows());
        }
        return results;
    }

    /** A single statement outside an explicit transaction. */
    public static RowSet<Row> execute(Database db, String sql, List<Object> params, String operation) {
        try {
            return db.pool().preparedQuery(sql).execute(Tuple.from(params)).await().atMost(STATEMENT_TIMEOUT);
        } catch (RuntimeException e) {
            throw Database.translate(e, operation);
        }
    }

    public static <T> T await(Uni<T> uni) {
        return uni.await().atMost(STATEMENT_TIMEOUT);
    }
}
