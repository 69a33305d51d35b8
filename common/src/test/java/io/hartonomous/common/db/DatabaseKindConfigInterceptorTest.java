package io.hartonomous.common.db;

import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Iterator;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseKindConfigInterceptorTest {

    private final DatabaseKindConfigInterceptor interceptor = new DatabaseKindConfigInterceptor();

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

    @Test
    void activatesPostgresWhenNoKindIsSet() {
        TestingContext config = new TestingContext(Map.of());

        assertThat(value(config, "quarkus.datasource.pg.active")).isEqualTo("true");
        assertThat(value(config, "quarkus.flyway.pg.active")).isEqualTo("true");
        assertThat(value(config, "quarkus.datasource.mssql.active")).isEqualTo("false");
        assertThat(value(config, "quarkus.flyway.\"mssql\".active")).isEqualTo("false");
    }

    @Test
    void activatesTheDatasourceOfTheConfiguredKind() {
        TestingContext config = new TestingContext(Map.of("hartonomous.db.kind", "MSSQL"));

        assertThat(value(config, "quarkus.datasource.mssql.active")).isEqualTo("true");
        assertThat(value(config, "quarkus.flyway.mssql.active")).isEqualTo("true");
        assertThat(value(config, "quarkus.datasource.\"pg\".active")).isEqualTo("false");
        assertThat(value(config, "quarkus.flyway.pg.active")).isEqualTo("false");
    }

    @Test
    void explicitActiveFlagWins() {
        TestingContext config = new TestingContext(Map.of("hartonomous.db.kind", "postgresql",
                "quarkus.datasource.pg.active", "false"));

        assertThat(value(config, "quarkus.datasource.pg.active")).isEqualTo("false");
    }

    @Test
    void passesOtherPropertiesThrough() {
        TestingContext config = new TestingContext(Map.of("quarkus.http.port", "8081"));

        assertThat(value(config, "quarkus.http.port")).isEqualTo("8081");
        assertThat(interceptor.getValue(config, "quarkus.datasource.pg.jdbc.url")).isNull();
        assertThat(interceptor.getValue(config, "hartonomous.other")).isNull();
    }

    @Test
    void rejectsAnUnknownKind() {
        TestingContext config = new TestingContext(Map.of("hartonomous.db.kind", "oracle"));

        assertThatThrownBy(() -> interceptor.getValue(config, "quarkus.datasource.pg.active"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("oracle");
    }

    private String value(TestingContext config, String name) {
        ConfigValue value = interceptor.getValue(config, name);
        assertThat(value).as(name).isNotNull();
        assertThat(value.getName()).isEqualTo(name);
        return value.getValue();
    }

    /** The properties below the interceptor: a fixed map. */
    private record TestingContext(Map<String, String> properties) implements ConfigSourceInterceptorContext {

        @Override
        public ConfigValue proceed(String name) {
            String value = properties.get(name);
            return value == null ? null : ConfigValue.builder().withName(name).withValue(value).build();
        }

        @Override
        public ConfigValue restart(String name) {
            return proceed(name);
        }

        @Override
        public Iterator<String> iterateNames() {
            return properties.keySet().iterator();
        }
    }
}
