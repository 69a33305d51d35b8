package io.hartonomous.common.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DbKindTest {

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "postgres", "pg", "PostgreSQL", "PG", "  postgres  "})
    void parsesPostgresSpellings(String text) {
        assertThat(DbKind.parse(text)).isEqualTo(DbKind.POSTGRESQL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlserver", "mssql", "sql-server", "SQLServer", "MSSQL", "\tmssql\n"})
    void parsesSqlServerSpellings(String text) {
        assertThat(DbKind.parse(text)).isEqualTo(DbKind.SQLSERVER);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "mysql", "oracle", "postgresq", "sql server", "h2"})
    void rejectsOtherKindsNamingTheAcceptedValues(String text) {
        assertThatThrownBy(() -> DbKind.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HARTONOMOUS_DB_KIND")
                .hasMessageContaining("postgresql or sqlserver");
    }

    @Test
    void namesTheDatasourceServingEachKind() {
        assertThat(DbKind.POSTGRESQL.datasource()).isEqualTo("pg");
        assertThat(DbKind.SQLSERVER.datasource()).isEqualTo("mssql");
    }

    @Test
    void namesTheMigrationFolderOfEachKind() {
        assertThat(DbKind.POSTGRESQL.migrationFolder()).isEqualTo("postgresql");
        assertThat(DbKind.SQLSERVER.migrationFolder()).isEqualTo("sqlserver");
    }

    @Test
    void dialectMatchesKind() {
        for (DbKind kind : DbKind.values()) {
            assertThat(Database.dialectFor(kind).kind()).isEqualTo(kind);
        }
    }
}
