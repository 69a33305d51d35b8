package io.hartonomous.common.db;

import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * The database this process runs on: the reactive pool of the datasource chosen by
 * {@code hartonomous.db.kind} ({@code HARTONOMOUS_DB_KIND}) at run time, and the matching
 * {@link SqlDialect}. Repositories take both from here; nothing else looks at the kind.
 */
@ApplicationScoped
public class Database {

    private final DbKind kind;
    private final SqlDialect dialect;
    private final Pool pool;

    public Database(@ConfigProperty(name = "hartonomous.db.kind", defaultValue = "postgresql") String kind,
                    @Any Instance<Pool> pools) {
        this.kind = DbKind.parse(kind);
        this.dialect = dialectFor(this.kind);
        this.pool = pools.select(new ReactiveDataSource.ReactiveDataSourceLiteral(this.kind.datasource())).get();
    }

    public static SqlDialect dialectFor(DbKind kind) {
        return switch (kind) {
            case POSTGRESQL -> new PostgresDialect();
            case SQLSERVER -> new SqlServerDialect();
        };
    }

    public DbKind kind() {
        return kind;
    }

    public SqlDialect dialect() {
        return dialect;
    }

    public Pool pool() {
        return pool;
    }

    /**
     * Whether {@code failure} (or a cause of it) is a write conflict with another transaction that
     * the database resolved by failing this one: a unique-key violation (PostgreSQL 23505, SQL
     * Server 2627 / 2601), a deadlock victim (40P01 / 1205) or a serialization failure (40001).
     * Work that ran optimistically beside other writers retries such a failure under a stronger lock.
     */
    public static boolean isWriteConflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.vertx.sqlclient.DatabaseException d) {
                String state = d.getSqlState();
                int code = d.getErrorCode();
                if ("23505".equals(state) || "40P01".equals(state) || "40001".equals(state)
                        || code == 2627 || code == 2601 || code == 1205) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Translates a driver failure into the suite's error model: lost connections and timeouts are
     * {@link ErrorCode#DATABASE_UNAVAILABLE} (retryable), unique-key violations
     * {@link ErrorCode#CONFLICT}, anything else {@link ErrorCode#INTERNAL}. The driver's message
     * stays in the cause, never in the detail shown to callers.
     */
    public static HartonomousException translate(Throwable failure, String operation) {
        if (failure instanceof HartonomousException h) {
            return h;
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ConnectException || root instanceof TimeoutException || root instanceof IOException
                || String.valueOf(root.getMessage()).contains("Connection is not active")) {
            return new HartonomousException(ErrorCode.DATABASE_UNAVAILABLE,
                    "The database is unavailable while trying to " + operation + "; retry later.", failure);
        }
        String message = String.valueOf(root.getMessage());
        if (message.contains("duplicate key") || message.contains("23505")
                || message.contains("Violation of UNIQUE KEY") || message.contains("Cannot insert duplicate key")) {
            return new HartonomousException(ErrorCode.CONFLICT, "A conflicting row exists while trying to " + operation + ".",
                    failure);
        }
        return new HartonomousException(ErrorCode.INTERNAL, "Database error while trying to " + operation + ".", failure);
    }
}
