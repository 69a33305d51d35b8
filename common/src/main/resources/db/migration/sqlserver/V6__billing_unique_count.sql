-- Hartonomous billing, SQL Server 2025 dialect: distinct counts for UNIQUE_COUNT meters; the same
-- model as db/migration/postgresql/V6__billing_unique_count.sql (see there for what it is for).
-- A disk-based table: the billing-service inserts into it WITH (UPDLOCK, HOLDLOCK), so a concurrent
-- first sighting of the same subject waits and is then skipped, never counted twice.
CREATE TABLE dbo.BillingUsageSubject (
    TenantId INT NOT NULL,
    Meter NVARCHAR(100) NOT NULL,
    Granularity NVARCHAR(10) NOT NULL,
    BucketStart DATETIME2 NOT NULL,
    SubjectHash BINARY(32) NOT NULL,
    FirstSeenAt DATETIME2 NOT NULL,
    CONSTRAINT PK_BillingUsageSubject PRIMARY KEY (TenantId, Meter, Granularity, BucketStart, SubjectHash),
    CONSTRAINT CK_BillingUsageSubject_Granularity CHECK (Granularity IN ('minute', 'hour', 'day'))
);
