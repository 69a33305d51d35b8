package io.hartonomous.common.db;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * Derives which of the two datasources ({@code pg}, {@code mssql}) is active from the one
 * setting {@code hartonomous.db.kind} ({@code HARTONOMOUS_DB_KIND}), so one artifact runs on
 * either database and an operator sets one variable, not two booleans. An explicit
 * {@code quarkus.datasource.<name>.active} still wins. Registered through
 * {@code META-INF/services} (no class-path scanning).
 */
@Priority(Priorities.APPLICATION + 100)
public class DatabaseKindConfigInterceptor implements ConfigSourceInterceptor {

    private static final String KIND = "hartonomous.db.kind";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value != null || !name.startsWith("quarkus.")) {
            return value;
        }
        DbKind target = activeFlagOf(name);
        if (target == null) {
            return null;
        }
        ConfigValue kind = context.proceed(KIND);
        DbKind chosen = DbKind.parse(kind == null || kind.getValue() == null ? "postgresql" : kind.getValue());
        return ConfigValue.builder().withName(name).withValue(Boolean.toString(chosen == target))
                .withConfigSourceName("hartonomous.db.kind").build();
    }

    static DbKind activeFlagOf(String name) {
        for (DbKind kind : DbKind.values()) {
            String ds = kind.datasource();
            if (name.equals("quarkus.datasource." + ds + ".active")
                    || name.equals("quarkus.datasource.\"" + ds + "\".active")
                    || name.equals("quarkus.flyway." + ds + ".active")
                    || name.equals("quarkus.flyway.\"" + ds + "\".active")) {
                return kind;
            }
        }
        return null;
    }
}
