package io.hartonomous.billing.tx;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.smallrye.mutiny.Uni;
import io.vertx.mssqlclient.MSSQLException;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/** Runs units of work in one transaction each, retrying the retryable failures. */
@ApplicationScoped
public class Transactions {

    /** PostgreSQL: serialization failure, deadlock, unique violation (a lost insert race). */
    private static final Set<String> PG_RETRYABLE = Set.of("40001", "40P01", "23505");
    /**
     * SQL Server: deadlock victim, unique key / index violation, and In-Memory OLTP's write-write
     * conflict, repeatable-read / serializable validation and commit-dependency failures.
     */
    private static final Set<Integer> MSSQL_RETRYABLE = Set.of(1205, 2627, 2601, 41301, 41302, 41305, 41325, 41839);

    private final Database database;

    public Transactions(Database database) {
        this.database = database;
    }

    public SqlDialect dialect() {
        return database.dialect();
    }

    /**
     * Runs {@code work} in a transaction; on a retryable failure rolls back and runs it again (up to
     * {@code attempts} times in all), so {@code work} must build its state afresh on each call.
     * Other failures are translated by {@link Database#translate}.
     */
    public <T> Uni<T> run(String operation, int attempts, Function<SqlConnection, Uni<T>> work) {
        return Uni.createFrom().deferred(() -> database.pool().withTransaction(work))
                .onFailure(Transactions::retryable).retry()
                .withBackOff(Duration.ofMillis(5), Duration.ofMillis(250)).withJitter(0.5).atMost(Math.max(0, attempts - 1))
                .onFailure().transform(f -> Database.translate(f, operation));
    }

    public <T> Uni<T> run(String operation, Function<SqlConnection, Uni<T>> work) {
        return run(operation, 8, work);
    }

    static boolean retryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetryableConflict) {
                return true;
            }
            if (t instanceof PgException pg && PG_RETRYABLE.contains(pg.getSqlState())) {
                return true;
            }
            if (t instanceof MSSQLException ms && MSSQL_RETRYABLE.contains(ms.number())) {
                return true;
            }
        }
        return false;
    }
}
