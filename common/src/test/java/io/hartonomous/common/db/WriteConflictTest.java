package io.hartonomous.common.db;

import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.vertx.mssqlclient.MSSQLException;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which driver failures are write conflicts with another transaction (a rerun under a stronger lock may succeed). */
class WriteConflictTest {

    private static Throwable wrapped(Throwable driver) {
        return new HartonomousException(ErrorCode.CONFLICT, "A conflicting row exists.", new RuntimeException(driver));
    }

    @Test
    void uniqueViolationsDeadlocksAndSerializationFailuresOfBothDatabases() {
        assertThat(Database.isWriteConflict(wrapped(new PgException("duplicate key", "ERROR", "23505", null)))).isTrue();
        assertThat(Database.isWriteConflict(new PgException("deadlock detected", "ERROR", "40P01", null))).isTrue();
        assertThat(Database.isWriteConflict(new PgException("could not serialize", "ERROR", "40001", null))).isTrue();
        assertThat(Database.isWriteConflict(wrapped(new MSSQLException(2627, (byte) 1, (byte) 14,
                "Violation of UNIQUE KEY constraint", "sql", "proc", 1)))).isTrue();
        assertThat(Database.isWriteConflict(new MSSQLException(2601, (byte) 1, (byte) 14, "duplicate key row", "sql", "proc", 1)))
                .isTrue();
        assertThat(Database.isWriteConflict(new MSSQLException(1205, (byte) 1, (byte) 13, "deadlock victim", "sql", "proc", 1)))
                .isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(Database.isWriteConflict(wrapped(new PgException("foreign key", "ERROR", "23503", null)))).isFalse();
        assertThat(Database.isWriteConflict(new PgException("syntax", "ERROR", "42601", null))).isFalse();
        assertThat(Database.isWriteConflict(new MSSQLException(547, (byte) 1, (byte) 16, "FK conflict", "sql", "proc", 1)))
                .isFalse();
        assertThat(Database.isWriteConflict(new RuntimeException("duplicate key value"))).isFalse();
        assertThat(Database.isWriteConflict(null)).isFalse();
    }
}
