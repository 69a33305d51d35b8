package io.hartonomous.common.db;

import java.util.Locale;

/** The database products the suite runs on, chosen at run time by {@code HARTONOMOUS_DB_KIND}. */
public enum DbKind {
    POSTGRESQL("pg", "postgresql"),
    SQLSERVER("mssql", "sqlserver");

    private final String datasource;
    private final String migrationFolder;

    DbKind(String datasource, String migrationFolder) {
        this.datasource = datasource;
        this.migrationFolder = migrationFolder;
    }

    /** The name of the Quarkus datasource that serves this kind. */
    public String datasource() {
        return datasource;
    }

    /** The folder under {@code db/migration} holding this kind's Flyway scripts. */
    public String migrationFolder() {
        return migrationFolder;
    }

    /**
     * Accepts {@code postgresql}, {@code postgres}, {@code pg}, {@code sqlserver}, {@code mssql}
     * in any case.
     *
     * @throws IllegalArgumentException for anything else, naming the accepted values
     */
    public static DbKind parse(String text) {
        return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
            case "postgresql", "postgres", "pg" -> POSTGRESQL;
            case "sqlserver", "mssql", "sql-server" -> SQLSERVER;
            default -> throw new IllegalArgumentException(
                    "HARTONOMOUS_DB_KIND must be postgresql or sqlserver, not '" + text + "'");
        };
    }
}
