-- Hartonomous billing, SQL Server 2025 dialect; the same model as
-- db/migration/postgresql/V3__billing.sql (see there for what each table is for).
--
-- Runs outside a transaction (V3__billing.sql.conf: executeInTransaction=false): ALTER TABLE of a
-- memory-optimized table is not allowed inside a user transaction.

-- Ledger (memory-optimized, SCHEMA_AND_DATA since V2). Each ALTER of a memory-optimized table
-- rebuilds it offline; the table is empty before this migration (no service wrote it).
-- Memory-optimized tables reject UPDLOCK / HOLDLOCK: the billing-service probes this table
-- WITH (SNAPSHOT), and the unique constraint below turns a concurrent duplicate into a unique-key
-- violation (2627) or write conflict (41302/41325) at commit, which it retries; on retry the key
-- is found and the event answers "duplicate".
-- One column per statement: the parser the tests check these scripts with misreads a column list.
ALTER TABLE dbo.BillingUsageLedger_InMemory ADD IdempotencyKey NVARCHAR(200) NOT NULL;
GO

ALTER TABLE dbo.BillingUsageLedger_InMemory ADD ReservationId UNIQUEIDENTIFIER NULL;
GO

ALTER TABLE dbo.BillingUsageLedger_InMemory ADD ReceivedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME();
GO

ALTER TABLE dbo.BillingUsageLedger_InMemory
    ADD CONSTRAINT UQ_BillingUsageLedger_TenantKey UNIQUE (TenantId, IdempotencyKey);
GO

CREATE TABLE dbo.BillingUsageBucket (
    TenantId INT NOT NULL,
    Meter NVARCHAR(100) NOT NULL,
    Granularity NVARCHAR(10) NOT NULL,
    BucketStart DATETIME2 NOT NULL,
    Value BIGINT NOT NULL,
    EventCount BIGINT NOT NULL,
    CONSTRAINT PK_BillingUsageBucket PRIMARY KEY (TenantId, Meter, Granularity, BucketStart),
    CONSTRAINT CK_BillingUsageBucket_Granularity CHECK (Granularity IN ('minute', 'hour', 'day'))
);

CREATE TABLE dbo.BillingQuota (
    TenantId INT NOT NULL,
    Meter NVARCHAR(100) NOT NULL,
    LimitValue BIGINT NULL,
    Used BIGINT NOT NULL,
    Reserved BIGINT NOT NULL,
    UpdatedAt DATETIME2 NOT NULL,
    CONSTRAINT PK_BillingQuota PRIMARY KEY (TenantId, Meter),
    CONSTRAINT CK_BillingQuota_Amounts CHECK (Used >= 0 AND Reserved >= 0),
    CONSTRAINT CK_BillingQuota_Limit CHECK (LimitValue >= 0)
);

CREATE TABLE dbo.BillingReservation (
    ReservationId UNIQUEIDENTIFIER NOT NULL,
    TenantId INT NOT NULL,
    Meter NVARCHAR(100) NOT NULL,
    Amount BIGINT NOT NULL,
    Status NVARCHAR(10) NOT NULL,
    CreatedAt DATETIME2 NOT NULL,
    ExpiresAt DATETIME2 NOT NULL,
    ResolvedAt DATETIME2 NULL,
    ResolutionId UNIQUEIDENTIFIER NULL,
    CONSTRAINT PK_BillingReservation PRIMARY KEY (ReservationId),
    CONSTRAINT CK_BillingReservation_Status CHECK (Status IN ('Active', 'Committed', 'Released', 'Expired')),
    CONSTRAINT CK_BillingReservation_Amount CHECK (Amount > 0)
);

CREATE INDEX IX_BillingReservation_Expiry ON dbo.BillingReservation (Status, ExpiresAt);
CREATE INDEX IX_BillingReservation_Resolution ON dbo.BillingReservation (ResolutionId);

CREATE TABLE dbo.BillingRateTier (
    Meter NVARCHAR(100) NOT NULL,
    TierIndex INT NOT NULL,
    UpTo BIGINT NULL,
    UnitPriceMicros BIGINT NOT NULL,
    Currency NVARCHAR(3) NOT NULL,
    CONSTRAINT PK_BillingRateTier PRIMARY KEY (Meter, TierIndex),
    CONSTRAINT CK_BillingRateTier_Price CHECK (UnitPriceMicros >= 0)
);

INSERT INTO dbo.BillingRateTier (Meter, TierIndex, UpTo, UnitPriceMicros, Currency) VALUES
    ('atoms_stored', 0, 1000000, 0, 'USD'),
    ('atoms_stored', 1, NULL, 1, 'USD'),
    ('bytes_ingested', 0, NULL, 0, 'USD'),
    ('ingest_jobs', 0, NULL, 1000, 'USD'),
    ('searches', 0, 1000, 0, 'USD'),
    ('searches', 1, NULL, 100, 'USD'),
    ('embeddings', 0, NULL, 20, 'USD'),
    ('inference_ms', 0, NULL, 2, 'USD');

CREATE TABLE dbo.BillingInvoice (
    InvoiceId UNIQUEIDENTIFIER NOT NULL,
    TenantId INT NOT NULL,
    Period NVARCHAR(7) NOT NULL,
    Kind NVARCHAR(12) NOT NULL,
    CorrectsInvoiceId UNIQUEIDENTIFIER NULL,
    Currency NVARCHAR(3) NOT NULL,
    TotalMicros BIGINT NOT NULL,
    Reason NVARCHAR(500) NULL,
    IssuedAt DATETIME2 NOT NULL,
    CONSTRAINT PK_BillingInvoice PRIMARY KEY (InvoiceId),
    CONSTRAINT UQ_BillingInvoice_TenantInvoice UNIQUE (TenantId, InvoiceId),
    CONSTRAINT FK_BillingInvoice_Corrects FOREIGN KEY (TenantId, CorrectsInvoiceId)
        REFERENCES dbo.BillingInvoice (TenantId, InvoiceId),
    CONSTRAINT CK_BillingInvoice_Kind CHECK (Kind IN ('invoice', 'credit_note')),
    CONSTRAINT CK_BillingInvoice_Period CHECK (Period LIKE '____-__')
);

CREATE UNIQUE INDEX UX_BillingInvoice_TenantPeriod ON dbo.BillingInvoice (TenantId, Period) WHERE Kind = 'invoice';

CREATE TABLE dbo.BillingInvoiceLine (
    InvoiceId UNIQUEIDENTIFIER NOT NULL,
    LineNumber INT NOT NULL,
    TenantId INT NOT NULL,
    Meter NVARCHAR(100) NOT NULL,
    Quantity BIGINT NOT NULL,
    AmountMicros BIGINT NOT NULL,
    Description NVARCHAR(500) NOT NULL,
    CONSTRAINT PK_BillingInvoiceLine PRIMARY KEY (InvoiceId, LineNumber),
    CONSTRAINT FK_BillingInvoiceLine_Invoice FOREIGN KEY (TenantId, InvoiceId)
        REFERENCES dbo.BillingInvoice (TenantId, InvoiceId)
);
GO

-- Issued documents are immutable: UPDATE and DELETE raise an error (a correction is a credit
-- note). CREATE TRIGGER must be the only statement of its batch.
CREATE TRIGGER dbo.TR_BillingInvoice_Immutable ON dbo.BillingInvoice INSTEAD OF UPDATE, DELETE AS
BEGIN
    THROW 51000, N'Issued billing documents are immutable: issue a credit note instead.', 1;
END;
GO

CREATE TRIGGER dbo.TR_BillingInvoiceLine_Immutable ON dbo.BillingInvoiceLine INSTEAD OF UPDATE, DELETE AS
BEGIN
    THROW 51000, N'Issued billing documents are immutable: issue a credit note instead.', 1;
END;
GO
