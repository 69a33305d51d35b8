package io.hartonomous.common.db;

import io.hartonomous.common.testing.TestingPostgres;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * Vert.x pools for this package's tests on the embedded PostgreSQL. (Not on
 * {@link TestingPostgres.Database}: other modules load that class without the Vert.x SQL client.)
 */
final class TestPools {

    private TestPools() {
    }

    /** A pool of at most {@code maxSize} connections to {@code db} (the caller closes it). */
    static Pool of(TestingPostgres.Database db, Vertx vertx, int maxSize) {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(maxSize))
                .connectingTo(new PgConnectOptions().setHost(db.host()).setPort(db.port()).setDatabase(db.name())
                        .setUser(db.user()).setPassword(db.password()))
                .using(vertx)
                .build();
    }
}
