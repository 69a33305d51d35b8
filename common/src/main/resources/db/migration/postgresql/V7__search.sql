-- search-service: the text it indexed per unit, and the 3-D projection fitted per model (PostgreSQL).
-- Same model as sqlserver/V7__search.sql.

-- One row per searchable unit (an ingestion root, or a meaningful part of one: a paragraph block,
-- a class or method), holding the text search-service extracted from its atoms (or the surrogate
-- text of a non-text modality). BM25 and snippets are rebuilt from it at start without
-- reconstructing every document from its atoms again; the atoms stay the source of the text.
-- A root with a row here has been extracted (the catch-up scan's anti-join).
CREATE TABLE dbo.SearchUnit (
    TenantId INT NOT NULL,
    AtomId BIGINT NOT NULL,
    -- The ingestion root the unit was first found in (a shared part names the first root).
    RootHash BYTEA NOT NULL,
    -- document | part | surrogate
    UnitKind VARCHAR(20) NOT NULL,
    -- Where the unit sits: file name of the root, plus the part's kind and ordinal.
    UnitPath VARCHAR(1000) NOT NULL,
    SearchText TEXT NOT NULL,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT PK_SearchUnit PRIMARY KEY (TenantId, AtomId),
    CONSTRAINT FK_SearchUnit_Atom FOREIGN KEY (TenantId, AtomId)
        REFERENCES dbo.Atom (TenantId, AtomId) ON DELETE CASCADE,
    CONSTRAINT CK_SearchUnit_RootHash CHECK (octet_length(RootHash) = 32),
    CONSTRAINT CK_SearchUnit_UnitKind CHECK (UnitKind IN ('document', 'part', 'surrogate'))
);

-- The 3-D projection (PCA) behind AtomEmbedding.SpatialX/Y/Z of one embedding model, fitted once
-- on a fixed public sample (never on a tenant's data, which the shared projection would leak).
CREATE TABLE dbo.EmbeddingProjection (
    ModelId INT NOT NULL,
    Dimensions SMALLINT NOT NULL,
    -- little-endian float32: the mean (Dimensions values), then the 3 components (3 x Dimensions)
    MeanBytes BYTEA NOT NULL,
    ComponentBytes BYTEA NOT NULL,
    -- multiplies projected coordinates into the [-100, 100] cube the spatial buckets assume
    Scale DOUBLE PRECISION NOT NULL,
    SampleSize INT NOT NULL,
    FittedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT PK_EmbeddingProjection PRIMARY KEY (ModelId),
    CONSTRAINT FK_EmbeddingProjection_Model FOREIGN KEY (ModelId) REFERENCES dbo.Model (ModelId) ON DELETE CASCADE,
    CONSTRAINT CK_EmbeddingProjection_Mean CHECK (octet_length(MeanBytes) = 4 * Dimensions),
    CONSTRAINT CK_EmbeddingProjection_Components CHECK (octet_length(ComponentBytes) = 12 * Dimensions)
);

-- Loading a tenant's vectors of one model at start.
CREATE INDEX IX_AtomEmbedding_TenantModel ON dbo.AtomEmbedding (TenantId, ModelId, SourceAtomId);

-- Inference outputs are JSON documents, not atoms: the cache keeps them itself (OutputAtomId stays
-- for an output stored as an atom, now optional).
ALTER TABLE dbo.InferenceCache_InMemory ALTER COLUMN OutputAtomId DROP NOT NULL;
ALTER TABLE dbo.InferenceCache_InMemory ADD COLUMN OutputJson TEXT NULL;
