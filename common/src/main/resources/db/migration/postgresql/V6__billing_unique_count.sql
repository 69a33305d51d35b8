-- Hartonomous billing: distinct counts for UNIQUE_COUNT meters (e.g. models_used). PostgreSQL
-- dialect; the same model as db/migration/sqlserver/V6__billing_unique_count.sql.
--
-- One row per tenant, meter, bucket (minute, hour and day, as dbo.BillingUsageBucket) and subject
-- first seen in that bucket. SubjectHash is SHA-256 of the event's subject (UTF-8), so the table
-- never holds what a tenant named and every key has one width. The billing-service inserts these
-- rows set-based in the transaction that inserts the events into the ledger, skipping rows that
-- exist; each row it really inserted adds 1 to its bucket's Value. So a bucket's Value is the exact
-- number of distinct subjects in that bucket, and the distinct total over a range is
-- COUNT(DISTINCT SubjectHash) over the covered rows of one granularity: never a ledger scan.
CREATE TABLE dbo.BillingUsageSubject (
    TenantId INT NOT NULL,
    Meter VARCHAR(100) NOT NULL,
    Granularity VARCHAR(10) NOT NULL,
    BucketStart TIMESTAMP NOT NULL,
    SubjectHash BYTEA NOT NULL,
    FirstSeenAt TIMESTAMP NOT NULL,
    CONSTRAINT PK_BillingUsageSubject PRIMARY KEY (TenantId, Meter, Granularity, BucketStart, SubjectHash),
    CONSTRAINT CK_BillingUsageSubject_Granularity CHECK (Granularity IN ('minute', 'hour', 'day')),
    CONSTRAINT CK_BillingUsageSubject_SubjectHash CHECK (octet_length(SubjectHash) = 32)
);
