-- Hartonomous In-Memory OLTP tables, SQL Server 2025 dialect.
--
-- Runs outside a transaction (V2__in_memory_tables.sql.conf: executeInTransaction=false):
-- ALTER DATABASE and memory-optimized DDL are not allowed inside a user transaction.

-- Memory-optimized tables need a MEMORY_OPTIMIZED_DATA filegroup with one container. Azure SQL
-- Database (and any database that already has one) has it; otherwise it is added, with its
-- container in the instance's default data directory (dynamic SQL: ADD FILE takes no variables).
IF NOT EXISTS (SELECT 1 FROM sys.filegroups WHERE type = 'FX')
BEGIN
    ALTER DATABASE CURRENT ADD FILEGROUP Hartonomous_InMemory CONTAINS MEMORY_OPTIMIZED_DATA;

    DECLARE @container NVARCHAR(4000) =
        CAST(SERVERPROPERTY('InstanceDefaultDataPath') AS NVARCHAR(4000)) + DB_NAME() + N'_InMemory';
    DECLARE @addFile NVARCHAR(MAX) =
        N'ALTER DATABASE CURRENT ADD FILE (NAME = N''' + REPLACE(DB_NAME() + N'_InMemory', N'''', N'''''')
        + N''', FILENAME = N''' + REPLACE(@container, N'''', N'''''')
        + N''') TO FILEGROUP Hartonomous_InMemory';
    EXEC sp_executesql @addFile;
END;
GO

-- Interpreted T-SQL inside explicit transactions may then read and write memory-optimized tables
-- under READ COMMITTED (elevated to SNAPSHOT) without a table hint in every statement.
ALTER DATABASE CURRENT SET MEMORY_OPTIMIZED_ELEVATE_TO_SNAPSHOT = ON;
GO

-- Billing ledger: fully durable (SCHEMA_AND_DATA); usage events are money.
CREATE TABLE dbo.BillingUsageLedger_InMemory (
    LedgerId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    OperationType NVARCHAR(100) NOT NULL,
    Quantity BIGINT NOT NULL,
    Timestamp DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_BillingUsageLedger_InMemory PRIMARY KEY NONCLUSTERED (LedgerId),
    -- FIX: the reference's IX_Tenant_Time is a HASH index on TenantId alone (1024 buckets): a hash
    -- index over a low-cardinality column makes long duplicate chains and cannot serve time ranges.
    -- A range (nonclustered) index on (TenantId, Timestamp), as its name says.
    INDEX IX_Tenant_Time NONCLUSTERED (TenantId, Timestamp)
)
WITH (MEMORY_OPTIMIZED = ON, DURABILITY = SCHEMA_AND_DATA);
GO

-- Inference cache: SCHEMA_ONLY, its rows are lost on restart and can always be recomputed.
CREATE TABLE dbo.InferenceCache_InMemory (
    -- FIX: the reference keys the cache by CacheKey alone, so one tenant could read another
    -- tenant's cached inference output; the tenant is part of the key.
    TenantId INT NOT NULL,
    CacheKey BINARY(32) NOT NULL,
    OutputAtomId BIGINT NOT NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    ExpiresAt DATETIME2 NOT NULL,
    CONSTRAINT PK_InferenceCache_InMemory PRIMARY KEY NONCLUSTERED HASH (TenantId, CacheKey)
        WITH (BUCKET_COUNT = 1048576),
    INDEX IX_InferenceCache_InMemory_Expires NONCLUSTERED (ExpiresAt)
)
WITH (MEMORY_OPTIMIZED = ON, DURABILITY = SCHEMA_ONLY);
GO
