-- search-service: usage events (searches, embeddings, inference time) on their way to
-- billing-service (SQL Server). Same model as postgresql/V9__search_usage_outbox.sql.

CREATE TABLE dbo.SearchUsageOutbox (
    OutboxId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    IdempotencyKey NVARCHAR(200) NOT NULL,
    Meter NVARCHAR(50) NOT NULL,
    Quantity BIGINT NOT NULL,
    OccurredAt DATETIME2 NOT NULL,
    CONSTRAINT PK_SearchUsageOutbox PRIMARY KEY (OutboxId),
    CONSTRAINT UQ_SearchUsageOutbox_Key UNIQUE (IdempotencyKey),
    CONSTRAINT CK_SearchUsageOutbox_Quantity CHECK (Quantity > 0)
);
