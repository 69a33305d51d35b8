-- atom-service: resumable ingestion jobs and root pins (SQL Server).
-- Same model as postgresql/V4__atom_ingestion.sql.

ALTER TABLE dbo.IngestionJob ADD RootHash BINARY(32) NULL;
ALTER TABLE dbo.IngestionJob ADD TotalBytes BIGINT NULL;
ALTER TABLE dbo.IngestionJob ADD Modality NVARCHAR(50) NULL;
ALTER TABLE dbo.IngestionJob ADD SpoolPath NVARCHAR(1000) NULL;
ALTER TABLE dbo.IngestionJob ADD LeaseOwner NVARCHAR(100) NULL;
ALTER TABLE dbo.IngestionJob ADD LeaseExpiresAt DATETIME2 NULL;
ALTER TABLE dbo.IngestionJob ADD AtomsCreated BIGINT NOT NULL DEFAULT 0;
ALTER TABLE dbo.IngestionJob ADD AtomsReused BIGINT NOT NULL DEFAULT 0;
-- Atoms this job created whose parent is not stored yet (32-byte hashes, concatenated): their
-- composition edges already count, so they are neither dead nor to be resurrected.
ALTER TABLE dbo.IngestionJob ADD PendingHashes VARBINARY(MAX) NULL;
ALTER TABLE dbo.IngestionJob ADD CoefficientOffset BIGINT NOT NULL DEFAULT 0;
ALTER TABLE dbo.IngestionJob ADD OptionsJson NVARCHAR(MAX) NULL;
ALTER TABLE dbo.IngestionJob ADD UnreportedUsage NVARCHAR(MAX) NULL;

CREATE INDEX IX_IngestionJob_Runnable ON dbo.IngestionJob (JobStatus, LeaseExpiresAt);

CREATE TABLE dbo.AtomRoot (
    RootId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    RootHash BINARY(32) NOT NULL,
    JobId UNIQUEIDENTIFIER NULL,
    SourceName NVARCHAR(500) NOT NULL,
    PinnedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_AtomRoot PRIMARY KEY (RootId),
    CONSTRAINT FK_AtomRoot_Atom FOREIGN KEY (TenantId, RootHash) REFERENCES dbo.Atom (TenantId, ContentHash)
);

CREATE INDEX IX_AtomRoot_TenantHash ON dbo.AtomRoot (TenantId, RootHash);

CREATE UNIQUE INDEX UX_AtomRoot_Job ON dbo.AtomRoot (JobId, RootHash) WHERE JobId IS NOT NULL;

-- SQL Server system versioning cannot exclude columns: reference-count updates write history rows
-- there (PostgreSQL's V4 limits versioning to the atom's classification, metadata and concept).
-- Operators on SQL Server should plan dbo.AtomHistory's retention
-- (ALTER TABLE dbo.Atom SET (SYSTEM_VERSIONING = ON (HISTORY_RETENTION_PERIOD = …))).
