package io.hartonomous.common.db;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseKindConfigInterceptorTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            quarkus.datasource.pg.active        | POSTGRESQL
            quarkus.datasource."pg".active      | POSTGRESQL
            quarkus.flyway.pg.active            | POSTGRESQL
            quarkus.flyway."pg".active          | POSTGRESQL
            quarkus.datasource.mssql.active     | SQLSERVER
            quarkus.datasource."mssql".active   | SQLSERVER
            quarkus.flyway.mssql.active         | SQLSERVER
            quarkus.flyway."mssql".active       | SQLSERVER
            """)
    void mapsActiveFlagsToTheirKind(String property, DbKind kind) {
        assertThat(DatabaseKindConfigInterceptor.activeFlagOf(property)).isEqualTo(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "quarkus.datasource.active",
            "quarkus.datasource.pg.jdbc.url",
            "quarkus.datasource.pg.reactive.url",
            "quarkus.datasource.other.active",
            "quarkus.datasource.pg.active.extra",
            "quarkus.datasource.PG.active",
            "quarkus.flyway.active",
            "quarkus.flyway.pg.migrate-at-start",
            "quarkus.datasource.'pg'.active",
            "hartonomous.db.kind",
            "quarkus.http.port",
            ""})
    void ignoresOtherProperties(String property) {
        assertThat(DatabaseKindConfigInterceptor.activeFlagOf(property)).isNull();
    }
}
