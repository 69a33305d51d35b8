-- Hartonomous billing: exactly-once usage ledger, pre-aggregated buckets, quotas with
-- reservations, rate card and immutable invoices. PostgreSQL dialect; the same model as
-- db/migration/sqlserver/V3__billing.sql. Every table holding tenant data carries TenantId and the
-- billing-service filters every query by the caller's tenant.

-- Ledger (created by V2, an ordinary durable table here, never UNLOGGED). An event is identified
-- by (TenantId, IdempotencyKey): the unique constraint is what makes a resent event a no-op.
-- OperationType holds the meter name; Timestamp is the event's own time, ReceivedAt ours.
-- The table is empty before this migration (no service wrote it), so NOT NULL needs no default.
ALTER TABLE dbo.BillingUsageLedger_InMemory
    ADD COLUMN IdempotencyKey VARCHAR(200) NOT NULL,
    ADD COLUMN ReservationId UUID NULL,
    ADD COLUMN ReceivedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC');

ALTER TABLE dbo.BillingUsageLedger_InMemory
    ADD CONSTRAINT UQ_BillingUsageLedger_TenantKey UNIQUE (TenantId, IdempotencyKey);

-- Usage pre-aggregated per minute, hour and day (Granularity), accumulated in the transaction that
-- inserts the events, so summaries never scan the ledger.
CREATE TABLE dbo.BillingUsageBucket (
    TenantId INT NOT NULL,
    Meter VARCHAR(100) NOT NULL,
    Granularity VARCHAR(10) NOT NULL,
    BucketStart TIMESTAMP NOT NULL,
    Value BIGINT NOT NULL,
    EventCount BIGINT NOT NULL,
    CONSTRAINT PK_BillingUsageBucket PRIMARY KEY (TenantId, Meter, Granularity, BucketStart),
    CONSTRAINT CK_BillingUsageBucket_Granularity CHECK (Granularity IN ('minute', 'hour', 'day'))
);

-- Lifetime quota per tenant and meter. LimitValue NULL means "the configured default", so a
-- changed default applies to every tenant without an explicit limit.
CREATE TABLE dbo.BillingQuota (
    TenantId INT NOT NULL,
    Meter VARCHAR(100) NOT NULL,
    LimitValue BIGINT NULL,
    Used BIGINT NOT NULL,
    Reserved BIGINT NOT NULL,
    UpdatedAt TIMESTAMP NOT NULL,
    CONSTRAINT PK_BillingQuota PRIMARY KEY (TenantId, Meter),
    CONSTRAINT CK_BillingQuota_Amounts CHECK (Used >= 0 AND Reserved >= 0),
    CONSTRAINT CK_BillingQuota_Limit CHECK (LimitValue >= 0)
);

CREATE TABLE dbo.BillingReservation (
    ReservationId UUID NOT NULL,
    TenantId INT NOT NULL,
    Meter VARCHAR(100) NOT NULL,
    Amount BIGINT NOT NULL,
    Status VARCHAR(10) NOT NULL,
    CreatedAt TIMESTAMP NOT NULL,
    ExpiresAt TIMESTAMP NOT NULL,
    ResolvedAt TIMESTAMP NULL,
    -- the sweep or batch that resolved it: lets one statement find exactly the rows it resolved
    ResolutionId UUID NULL,
    CONSTRAINT PK_BillingReservation PRIMARY KEY (ReservationId),
    CONSTRAINT CK_BillingReservation_Status CHECK (Status IN ('Active', 'Committed', 'Released', 'Expired')),
    CONSTRAINT CK_BillingReservation_Amount CHECK (Amount > 0)
);

CREATE INDEX IX_BillingReservation_Expiry ON dbo.BillingReservation (Status, ExpiresAt);
CREATE INDEX IX_BillingReservation_Resolution ON dbo.BillingReservation (ResolutionId);

-- Rate card: graduated tiers per meter; UpTo NULL is the unbounded last tier.
CREATE TABLE dbo.BillingRateTier (
    Meter VARCHAR(100) NOT NULL,
    TierIndex INT NOT NULL,
    UpTo BIGINT NULL,
    UnitPriceMicros BIGINT NOT NULL,
    Currency VARCHAR(3) NOT NULL,
    CONSTRAINT PK_BillingRateTier PRIMARY KEY (Meter, TierIndex),
    CONSTRAINT CK_BillingRateTier_Price CHECK (UnitPriceMicros >= 0)
);

-- Starter rate card (micro-units of the currency per unit), replaced through the admin API.
INSERT INTO dbo.BillingRateTier (Meter, TierIndex, UpTo, UnitPriceMicros, Currency) VALUES
    ('atoms_stored', 0, 1000000, 0, 'USD'),
    ('atoms_stored', 1, NULL, 1, 'USD'),
    ('bytes_ingested', 0, NULL, 0, 'USD'),
    ('ingest_jobs', 0, NULL, 1000, 'USD'),
    ('searches', 0, 1000, 0, 'USD'),
    ('searches', 1, NULL, 100, 'USD'),
    ('embeddings', 0, NULL, 20, 'USD'),
    ('inference_ms', 0, NULL, 2, 'USD');

-- Invoices and credit notes: issued once, never changed (the triggers below). A correction is a
-- credit note (negative total) naming the invoice it corrects.
CREATE TABLE dbo.BillingInvoice (
    InvoiceId UUID NOT NULL,
    TenantId INT NOT NULL,
    Period VARCHAR(7) NOT NULL,
    Kind VARCHAR(12) NOT NULL,
    CorrectsInvoiceId UUID NULL,
    Currency VARCHAR(3) NOT NULL,
    TotalMicros BIGINT NOT NULL,
    Reason VARCHAR(500) NULL,
    IssuedAt TIMESTAMP NOT NULL,
    CONSTRAINT PK_BillingInvoice PRIMARY KEY (InvoiceId),
    CONSTRAINT UQ_BillingInvoice_TenantInvoice UNIQUE (TenantId, InvoiceId),
    CONSTRAINT FK_BillingInvoice_Corrects FOREIGN KEY (TenantId, CorrectsInvoiceId)
        REFERENCES dbo.BillingInvoice (TenantId, InvoiceId),
    CONSTRAINT CK_BillingInvoice_Kind CHECK (Kind IN ('invoice', 'credit_note')),
    CONSTRAINT CK_BillingInvoice_Period CHECK (Period LIKE '____-__')
);

-- One invoice per tenant and period; any number of credit notes.
CREATE UNIQUE INDEX UX_BillingInvoice_TenantPeriod ON dbo.BillingInvoice (TenantId, Period) WHERE Kind = 'invoice';

CREATE TABLE dbo.BillingInvoiceLine (
    InvoiceId UUID NOT NULL,
    LineNumber INT NOT NULL,
    TenantId INT NOT NULL,
    Meter VARCHAR(100) NOT NULL,
    Quantity BIGINT NOT NULL,
    AmountMicros BIGINT NOT NULL,
    Description VARCHAR(500) NOT NULL,
    CONSTRAINT PK_BillingInvoiceLine PRIMARY KEY (InvoiceId, LineNumber),
    CONSTRAINT FK_BillingInvoiceLine_Invoice FOREIGN KEY (TenantId, InvoiceId)
        REFERENCES dbo.BillingInvoice (TenantId, InvoiceId)
);

CREATE FUNCTION dbo.BillingDocumentImmutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'issued billing documents are immutable (%.%): issue a credit note instead',
        TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = '55000';
END
$$;

CREATE TRIGGER BillingInvoice_Immutable BEFORE UPDATE OR DELETE ON dbo.BillingInvoice
    FOR EACH ROW EXECUTE FUNCTION dbo.BillingDocumentImmutable();
CREATE TRIGGER BillingInvoiceLine_Immutable BEFORE UPDATE OR DELETE ON dbo.BillingInvoiceLine
    FOR EACH ROW EXECUTE FUNCTION dbo.BillingDocumentImmutable();
-- TRUNCATE bypasses row triggers; refuse it too.
CREATE TRIGGER BillingInvoice_NoTruncate BEFORE TRUNCATE ON dbo.BillingInvoice
    FOR EACH STATEMENT EXECUTE FUNCTION dbo.BillingDocumentImmutable();
CREATE TRIGGER BillingInvoiceLine_NoTruncate BEFORE TRUNCATE ON dbo.BillingInvoiceLine
    FOR EACH STATEMENT EXECUTE FUNCTION dbo.BillingDocumentImmutable();
