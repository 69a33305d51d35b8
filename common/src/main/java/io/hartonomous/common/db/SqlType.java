package io.hartonomous.common.db;

/**
 * The column types the dialect seam knows how to bind in bulk, with their spelling in each
 * dialect. Binary values travel as {@code byte[]}; timestamps as {@link java.time.LocalDateTime}
 * in UTC.
 */
public enum SqlType {
    SMALLINT("int2", "SMALLINT"),
    INT("int4", "INT"),
    BIGINT("int8", "BIGINT"),
    REAL("float4", "REAL"),
    DOUBLE("float8", "FLOAT"),
    BOOLEAN("bool", "BIT"),
    HASH("bytea", "BINARY(32)"),
    VARBINARY_64("bytea", "VARBINARY(64)"),
    VARBINARY_MAX("bytea", "VARBINARY(MAX)"),
    VARCHAR("varchar", "NVARCHAR(4000)"),
    TEXT("text", "NVARCHAR(MAX)"),
    TIMESTAMP("timestamp", "DATETIME2"),
    UUID("uuid", "UNIQUEIDENTIFIER");

    private final String postgres;
    private final String sqlServer;

    SqlType(String postgres, String sqlServer) {
        this.postgres = postgres;
        this.sqlServer = sqlServer;
    }

    public String postgres() {
        return postgres;
    }

    public String sqlServer() {
        return sqlServer;
    }

    public boolean binary() {
        return this == HASH || this == VARBINARY_64 || this == VARBINARY_MAX;
    }
}
