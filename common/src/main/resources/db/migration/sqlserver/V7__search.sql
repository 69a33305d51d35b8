-- search-service: the text it indexed per unit, and the 3-D projection fitted per model (SQL Server).
-- Same model as postgresql/V7__search.sql.

CREATE TABLE dbo.SearchUnit (
    TenantId INT NOT NULL,
    AtomId BIGINT NOT NULL,
    RootHash BINARY(32) NOT NULL,
    UnitKind NVARCHAR(20) NOT NULL,
    UnitPath NVARCHAR(1000) NOT NULL,
    SearchText NVARCHAR(MAX) NOT NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_SearchUnit PRIMARY KEY (TenantId, AtomId),
    CONSTRAINT FK_SearchUnit_Atom FOREIGN KEY (TenantId, AtomId)
        REFERENCES dbo.Atom (TenantId, AtomId) ON DELETE CASCADE,
    CONSTRAINT CK_SearchUnit_UnitKind CHECK (UnitKind IN ('document', 'part', 'surrogate'))
);

CREATE TABLE dbo.EmbeddingProjection (
    ModelId INT NOT NULL,
    Dimensions SMALLINT NOT NULL,
    MeanBytes VARBINARY(MAX) NOT NULL,
    ComponentBytes VARBINARY(MAX) NOT NULL,
    Scale FLOAT NOT NULL,
    SampleSize INT NOT NULL,
    FittedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_EmbeddingProjection PRIMARY KEY (ModelId),
    CONSTRAINT FK_EmbeddingProjection_Model FOREIGN KEY (ModelId) REFERENCES dbo.Model (ModelId) ON DELETE CASCADE,
    CONSTRAINT CK_EmbeddingProjection_Mean CHECK (DATALENGTH(MeanBytes) = 4 * Dimensions),
    CONSTRAINT CK_EmbeddingProjection_Components CHECK (DATALENGTH(ComponentBytes) = 12 * Dimensions)
);

CREATE INDEX IX_AtomEmbedding_TenantModel ON dbo.AtomEmbedding (TenantId, ModelId, SourceAtomId);

-- Inference outputs are JSON documents, not atoms: the cache keeps them itself (OutputAtomId stays
-- for an output stored as an atom, now optional). Memory-optimized tables accept both changes
-- (SQL Server 2016 and later), outside a user transaction (V7__search.sql.conf).
ALTER TABLE dbo.InferenceCache_InMemory ALTER COLUMN OutputAtomId BIGINT NULL;
ALTER TABLE dbo.InferenceCache_InMemory ADD OutputJson NVARCHAR(MAX) NULL;
