-- Hartonomous core schema, PostgreSQL dialect.
--
-- Table for table and column for column the same model as db/migration/sqlserver/V1__core_schema.sql
-- (checked by SchemaParityTest). SQL Server additionally has GEOMETRY / VECTOR / HIERARCHYID mirror
-- columns for its spatial indexes; here the portable numeric columns stand alone. The only
-- PostgreSQL-only columns are graph.AtomEdge.FromAtomId / ToAtomId (SQL Server edges have $from_id
-- and $to_id).
--
-- Identifiers are unquoted PascalCase (folded to lower case here), so the same query text works on
-- both dialects. Type mapping: NVARCHAR(n) -> VARCHAR(n), NVARCHAR(MAX) -> TEXT, BINARY(32) -> BYTEA
-- checked to 32 bytes, DATETIME2 -> TIMESTAMP (UTC, without time zone), FLOAT -> DOUBLE PRECISION,
-- DECIMAL -> NUMERIC, UNIQUEIDENTIFIER -> UUID, BIT -> BOOLEAN.
-- "FIX:" comments mark the places where the schema deliberately departs from the reference schema
-- (shared/schema-reference.md) because the reference is wrong there.

CREATE SCHEMA IF NOT EXISTS dbo;
CREATE SCHEMA IF NOT EXISTS provenance;
CREATE SCHEMA IF NOT EXISTS graph;
CREATE SCHEMA IF NOT EXISTS ref;

-- =====================================================================================
-- System versioning (SQL Server temporal tables) for dbo.Atom, dbo.AtomRelation and
-- dbo.TensorAtomCoefficient. One reusable trigger function; its argument names the history table,
-- which has the same columns in the same order as the current table (PostgresMigrationTest checks).
-- On UPDATE and DELETE the old row goes to history with its period closed at the transaction's
-- start time (as SQL Server does); an UPDATE opens a new period on the current row.
-- =====================================================================================

CREATE FUNCTION dbo.SystemVersioning() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    now_utc TIMESTAMP := now() AT TIME ZONE 'UTC';
BEGIN
    OLD.SysEndTime := now_utc;
    EXECUTE format('INSERT INTO %s SELECT ($1).*', TG_ARGV[0]) USING OLD;
    IF TG_OP = 'UPDATE' THEN
        NEW.SysStartTime := now_utc;
        NEW.SysEndTime := TIMESTAMP '9999-12-31 23:59:59.999999';
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$;

-- =====================================================================================
-- ref: lookup lists
-- =====================================================================================

CREATE TABLE ref.Modality (
    Code VARCHAR(50) NOT NULL,
    Description VARCHAR(500) NULL,
    CONSTRAINT PK_Modality PRIMARY KEY (Code)
);

CREATE TABLE ref.Subtype (
    Modality VARCHAR(50) NOT NULL,
    Code VARCHAR(50) NOT NULL,
    Description VARCHAR(500) NULL,
    CONSTRAINT PK_Subtype PRIMARY KEY (Modality, Code),
    CONSTRAINT FK_Subtype_Modality FOREIGN KEY (Modality) REFERENCES ref.Modality (Code)
);

CREATE TABLE ref.RelationType (
    Code VARCHAR(128) NOT NULL,
    Description VARCHAR(500) NULL,
    IsSystem BOOLEAN NOT NULL DEFAULT FALSE,
    CONSTRAINT PK_RelationType PRIMARY KEY (Code)
);

INSERT INTO ref.Modality (Code, Description) VALUES
    ('text', 'Natural-language text'),
    ('code', 'Source code'),
    ('image', 'Raster and vector images'),
    ('audio', 'Audio streams'),
    ('model', 'AI model files (safetensors, GGUF, ONNX)'),
    ('database', 'Database exports'),
    ('git', 'Git repositories'),
    ('binary', 'Opaque bytes');

INSERT INTO ref.Subtype (Modality, Code, Description) VALUES
    ('text', 'document', 'A whole text file'),
    ('text', 'line', 'One line of text'),
    ('text', 'token', 'One token'),
    ('code', 'document', 'A whole source file'),
    ('code', 'syntax-node', 'A node of the syntax tree'),
    ('code', 'line', 'One line of source'),
    ('code', 'token', 'One lexical token'),
    ('image', 'document', 'A whole image file'),
    ('image', 'raster', 'The decoded pixel raster'),
    ('image', 'patch', 'A rectangular patch of pixels'),
    ('image', 'pixel', 'One pixel'),
    ('audio', 'document', 'A whole audio file'),
    ('audio', 'header', 'A container header'),
    ('audio', 'sample', 'A run of samples'),
    ('model', 'document', 'A whole model file'),
    ('model', 'header', 'A model file header'),
    ('model', 'tensor', 'One tensor'),
    ('model', 'float32-weight', 'One float32 weight'),
    ('database', 'document', 'A whole database export'),
    ('database', 'row', 'One row'),
    ('git', 'commit', 'A commit object'),
    ('git', 'tree', 'A tree object'),
    ('git', 'blob', 'A blob object'),
    ('binary', 'document', 'A whole binary file'),
    ('binary', 'chunk', 'A chunk of bytes');

INSERT INTO ref.RelationType (Code, Description, IsSystem) VALUES
    ('derives_from', 'The source was derived from the target', TRUE),
    ('similar_to', 'The atoms are semantically similar', TRUE),
    ('contradicts', 'The atoms contradict each other', TRUE),
    ('influences', 'The source influences the target', TRUE),
    ('decodes_to', 'The target is the decoded form of the source (e.g. a PNG file and its raster)', TRUE);

-- =====================================================================================
-- dbo.Concept
-- =====================================================================================

CREATE TABLE dbo.Concept (
    ConceptId BIGINT GENERATED BY DEFAULT AS IDENTITY,
    -- FIX: the reference has no tenant on concepts; every tenant's concepts are its own.
    TenantId INT NOT NULL,
    ConceptName VARCHAR(255) NOT NULL,
    Description TEXT NULL,
    CentroidVector BYTEA NULL,
    -- Portable centroid position and domain boundary (SQL Server mirrors them in
    -- CentroidSpatialKey HIERARCHYID and Domain GEOMETRY).
    CentroidX DOUBLE PRECISION NULL,
    CentroidY DOUBLE PRECISION NULL,
    CentroidZ DOUBLE PRECISION NULL,
    DomainWkt TEXT NULL,
    Radius DOUBLE PRECISION NULL,
    ParentConceptId BIGINT NULL,
    AtomCount BIGINT NOT NULL DEFAULT 0,
    Confidence NUMERIC(5,4) NULL,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT PK_Concept PRIMARY KEY (ConceptId),
    -- Target for tenant-scoped foreign keys.
    CONSTRAINT UQ_Concept_TenantConcept UNIQUE (TenantId, ConceptId),
    -- FIX: the reference's self reference ignores tenancy; a parent concept must be the same tenant's.
    CONSTRAINT FK_Concept_Parent FOREIGN KEY (TenantId, ParentConceptId) REFERENCES dbo.Concept (TenantId, ConceptId)
);

CREATE INDEX IX_Concept_TenantParent ON dbo.Concept (TenantId, ParentConceptId);

-- =====================================================================================
-- dbo.Atom (system-versioned; history in dbo.AtomHistory)
-- =====================================================================================

CREATE TABLE dbo.Atom (
    AtomId BIGINT GENERATED BY DEFAULT AS IDENTITY,
    TenantId INT NOT NULL,
    ContentHash BYTEA NOT NULL,
    AtomicValue BYTEA NOT NULL,
    -- Size in bytes of the content the atom stands for: octet_length(AtomicValue) for a leaf,
    -- the full size for a composite (whose AtomicValue is a 64-byte preview).
    ContentLength BIGINT NOT NULL,
    CanonicalText TEXT NULL,
    Modality VARCHAR(50) NOT NULL,
    Subtype VARCHAR(50) NULL,
    ContentType VARCHAR(255) NULL,
    Metadata TEXT NULL,
    -- FIX: the reference defaults ReferenceCount to 1, counting a reference that does not exist;
    -- counts are maintained explicitly (composition edges + pinned roots), so they start at 0.
    ReferenceCount BIGINT NOT NULL DEFAULT 0,
    ConceptId BIGINT NULL,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    LastAccessedUtc TIMESTAMP NULL,
    -- FIX: the reference adds PERIOD FOR SYSTEM_TIME over columns it never declares.
    -- Maintained by dbo.SystemVersioning().
    SysStartTime TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    SysEndTime TIMESTAMP NOT NULL DEFAULT TIMESTAMP '9999-12-31 23:59:59.999999',
    CONSTRAINT PK_Atom PRIMARY KEY (AtomId),
    -- CAS constraint. FIX: the reference declares it twice (UNIQUE and IX_Atom_TenantHash);
    -- the constraint carries the index name.
    CONSTRAINT IX_Atom_TenantHash UNIQUE (TenantId, ContentHash),
    -- Target for tenant-scoped foreign keys on AtomId.
    CONSTRAINT UQ_Atom_TenantAtom UNIQUE (TenantId, AtomId),
    -- FIX: the reference's ConceptId foreign key ignores tenancy; an atom's concept must be its tenant's.
    CONSTRAINT FK_Atom_Concept FOREIGN KEY (TenantId, ConceptId) REFERENCES dbo.Concept (TenantId, ConceptId),
    CONSTRAINT CK_Atom_ContentHash CHECK (octet_length(ContentHash) = 32),
    -- The reference only documents "maximum 64 bytes"; an empty value is no atom either.
    CONSTRAINT CK_Atom_AtomicValueLength CHECK (octet_length(AtomicValue) BETWEEN 1 AND 64),
    CONSTRAINT CK_Atom_ContentLength CHECK (ContentLength >= octet_length(AtomicValue)),
    CONSTRAINT CK_Atom_ReferenceCount CHECK (ReferenceCount >= 0),
    -- The reference documents "Metadata: JSON validated on insert" without a constraint
    -- (IS JSON needs PostgreSQL 16 or later).
    CONSTRAINT CK_Atom_Metadata CHECK (Metadata IS JSON)
);

-- History: same columns in the same order, no identity, key or constraint (as SQL Server requires).
CREATE TABLE dbo.AtomHistory (
    AtomId BIGINT NOT NULL,
    TenantId INT NOT NULL,
    ContentHash BYTEA NOT NULL,
    AtomicValue BYTEA NOT NULL,
    ContentLength BIGINT NOT NULL,
    CanonicalText TEXT NULL,
    Modality VARCHAR(50) NOT NULL,
    Subtype VARCHAR(50) NULL,
    ContentType VARCHAR(255) NULL,
    Metadata TEXT NULL,
    ReferenceCount BIGINT NOT NULL,
    ConceptId BIGINT NULL,
    CreatedAt TIMESTAMP NOT NULL,
    LastAccessedUtc TIMESTAMP NULL,
    SysStartTime TIMESTAMP NOT NULL,
    SysEndTime TIMESTAMP NOT NULL
);

CREATE INDEX IX_AtomHistory_Period ON dbo.AtomHistory (SysEndTime, SysStartTime);

CREATE TRIGGER Atom_SystemVersioning BEFORE UPDATE OR DELETE ON dbo.Atom
    FOR EACH ROW EXECUTE FUNCTION dbo.SystemVersioning('dbo.AtomHistory');

-- FIX (all three): TenantId leads every index; every query filters by tenant.
-- (No INCLUDE of CanonicalText here: PostgreSQL would copy TOASTed text into the index.)
CREATE INDEX IX_Atom_Modality ON dbo.Atom (TenantId, Modality, Subtype);

CREATE INDEX IX_Atom_Concept ON dbo.Atom (TenantId, ConceptId) WHERE ConceptId IS NOT NULL;

CREATE INDEX IX_Atom_DeadAtoms ON dbo.Atom (TenantId, ReferenceCount, LastAccessedUtc) WHERE ReferenceCount = 0;

-- =====================================================================================
-- dbo.AtomComposition
-- =====================================================================================

CREATE TABLE dbo.AtomComposition (
    AtomCompositionId BIGINT GENERATED BY DEFAULT AS IDENTITY,
    -- FIX: ContentHash is unique only per tenant, so the edge must carry the tenant.
    TenantId INT NOT NULL,
    ParentAtomHash BYTEA NOT NULL,
    ComponentAtomHash BYTEA NOT NULL,
    SequenceIndex BIGINT NOT NULL,
    -- Portable position (SQL Server mirrors it in Position GEOMETRY). FIX: the reference keeps M
    -- inside the GEOMETRY, where it cannot be an index key; M (the Hilbert index) is its own column.
    PositionX DOUBLE PRECISION NULL,
    PositionY DOUBLE PRECISION NULL,
    PositionZ DOUBLE PRECISION NULL,
    PositionM BIGINT NULL,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT PK_AtomComposition PRIMARY KEY (AtomCompositionId),
    -- FIX: the reference references Atom(ContentHash), which is not unique; the keys include TenantId.
    CONSTRAINT FK_AtomComposition_Parent FOREIGN KEY (TenantId, ParentAtomHash)
        REFERENCES dbo.Atom (TenantId, ContentHash) ON DELETE CASCADE,
    CONSTRAINT FK_AtomComposition_Component FOREIGN KEY (TenantId, ComponentAtomHash)
        REFERENCES dbo.Atom (TenantId, ContentHash),
    CONSTRAINT CK_AtomComposition_ParentAtomHash CHECK (octet_length(ParentAtomHash) = 32),
    CONSTRAINT CK_AtomComposition_ComponentAtomHash CHECK (octet_length(ComponentAtomHash) = 32),
    -- An atom can never contain itself (reconstruction would not terminate).
    CONSTRAINT CK_AtomComposition_NotSelf CHECK (ParentAtomHash <> ComponentAtomHash),
    CONSTRAINT CK_AtomComposition_SequenceIndex CHECK (SequenceIndex >= 0)
);

-- An atom has at most one decomposition: one component per (parent, sequence index).
-- Replaces the reference's IX_AtomComposition_Parent and covers the same lookups.
CREATE UNIQUE INDEX UX_AtomComposition_ParentSequence
    ON dbo.AtomComposition (TenantId, ParentAtomHash, SequenceIndex) INCLUDE (ComponentAtomHash);

CREATE INDEX IX_AtomComposition_Component ON dbo.AtomComposition (TenantId, ComponentAtomHash);

-- Stands in for SQL Server's Hilbert-ordered columnstore: locality scans by M.
CREATE INDEX IX_AtomComposition_Hilbert ON dbo.AtomComposition (TenantId, PositionM);

-- =====================================================================================
-- dbo.AtomRelation (system-versioned; history in dbo.AtomRelations_History)
-- =====================================================================================

CREATE TABLE dbo.AtomRelation (
    AtomRelationId BIGINT GENERATED BY DEFAULT AS IDENTITY,
    -- FIX: relations carry their tenant so both ends can be tied to it.
    TenantId INT NOT NULL,
    SourceAtomId BIGINT NOT NULL,
    TargetAtomId BIGINT NOT NULL,
    -- Free text: tenants may define their own types (ref.RelationType lists the system ones).
    RelationType VARCHAR(128) NOT NULL,
    Importance NUMERIC(5,4) NULL,
    Confidence NUMERIC(5,4) NULL,
    Weight REAL NULL,
    CoordX DOUBLE PRECISION NULL,
    CoordY DOUBLE PRECISION NULL,
    CoordZ DOUBLE PRECISION NULL,
    CoordT DOUBLE PRECISION NULL,
    CoordW DOUBLE PRECISION NULL,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    -- FIX: the reference turns SYSTEM_VERSIONING on without any period columns.
    SysStartTime TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    SysEndTime TIMESTAMP NOT NULL DEFAULT TIMESTAMP '9999-12-31 23:59:59.999999',
    CONSTRAINT PK_AtomRelation PRIMARY KEY (AtomRelationId),
    -- FIX: tenant-scoped foreign keys, so a relation can never join two tenants.
    CONSTRAINT FK_AtomRelation_Source FOREIGN KEY (TenantId, SourceAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId) ON DELETE CASCADE,
    CONSTRAINT FK_AtomRelation_Target FOREIGN KEY (TenantId, TargetAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId),
    -- FIX: the reference documents 0.0-1.0 but does not enforce it.
    CONSTRAINT CK_AtomRelation_Importance CHECK (Importance BETWEEN 0 AND 1),
    CONSTRAINT CK_AtomRelation_Confidence CHECK (Confidence BETWEEN 0 AND 1)
);

CREATE TABLE dbo.AtomRelations_History (
    AtomRelationId BIGINT NOT NULL,
    TenantId INT NOT NULL,
    SourceAtomId BIGINT NOT NULL,
    TargetAtomId BIGINT NOT NULL,
    RelationType VARCHAR(128) NOT NULL,
    Importance NUMERIC(5,4) NULL,
    Confidence NUMERIC(5,4) NULL,
    Weight REAL NULL,
    CoordX DOUBLE PRECISION NULL,
    CoordY DOUBLE PRECISION NULL,
    CoordZ DOUBLE PRECISION NULL,
    CoordT DOUBLE PRECISION NULL,
    CoordW DOUBLE PRECISION NULL,
    CreatedAt TIMESTAMP NOT NULL,
    SysStartTime TIMESTAMP NOT NULL,
    SysEndTime TIMESTAMP NOT NULL
);

CREATE INDEX IX_AtomRelations_History_Period ON dbo.AtomRelations_History (SysEndTime, SysStartTime);

CREATE TRIGGER AtomRelation_SystemVersioning BEFORE UPDATE OR DELETE ON dbo.AtomRelation
    FOR EACH ROW EXECUTE FUNCTION dbo.SystemVersioning('dbo.AtomRelations_History');

CREATE INDEX IX_AtomRelation_Source ON dbo.AtomRelation (TenantId, SourceAtomId, RelationType);

CREATE INDEX IX_AtomRelation_Target ON dbo.AtomRelation (TenantId, TargetAtomId, RelationType);

-- =====================================================================================
-- dbo.Model, dbo.ModelLayer, dbo.TensorAtomCoefficient
-- =====================================================================================

CREATE TABLE dbo.Model (
    ModelId INT GENERATED BY DEFAULT AS IDENTITY,
    TenantId INT NOT NULL,
    ModelName VARCHAR(255) NOT NULL,
    ModelType VARCHAR(100) NOT NULL,
    Architecture VARCHAR(500) NULL,
    ParameterCount BIGINT NULL,
    ConfigurationJson TEXT NULL,
    SerializedModel BYTEA NULL,
    -- Root atom of the model file (its SHA-256), and its format: safetensors, gguf, onnx.
    ModelAtomHash BYTEA NULL,
    Format VARCHAR(50) NULL,
    UsageCount BIGINT NOT NULL DEFAULT 0,
    AverageInferenceMs INT NULL,
    LastUsed TIMESTAMP NULL,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT PK_Model PRIMARY KEY (ModelId),
    -- FIX: the reference's global UNIQUE (ModelName) leaks across tenants (one tenant's name
    -- blocks another's and reveals it exists); names are unique per tenant.
    CONSTRAINT UQ_Model_TenantName UNIQUE (TenantId, ModelName),
    CONSTRAINT CK_Model_ModelAtomHash CHECK (octet_length(ModelAtomHash) = 32)
);

CREATE TABLE dbo.ModelLayer (
    ModelLayerId INT GENERATED BY DEFAULT AS IDENTITY,
    ModelId INT NOT NULL,
    LayerIndex INT NOT NULL,
    LayerName VARCHAR(255) NOT NULL,
    LayerType VARCHAR(100) NOT NULL,
    TensorShape VARCHAR(500) NULL,
    -- Number of elements of the tensor and the atom holding its bytes.
    ElementCount BIGINT NULL,
    TensorAtomHash BYTEA NULL,
    QuantizationType VARCHAR(50) NULL,
    QuantizationScale REAL NULL,
    CacheHitRate NUMERIC(5,4) NULL,
    AvgComputeTimeMs INT NULL,
    CONSTRAINT PK_ModelLayer PRIMARY KEY (ModelLayerId),
    CONSTRAINT UQ_ModelLayer_ModelLayerIndex UNIQUE (ModelId, LayerIndex),
    CONSTRAINT FK_ModelLayer_Model FOREIGN KEY (ModelId) REFERENCES dbo.Model (ModelId) ON DELETE CASCADE,
    CONSTRAINT CK_ModelLayer_TensorAtomHash CHECK (octet_length(TensorAtomHash) = 32)
);

CREATE TABLE dbo.TensorAtomCoefficient (
    TensorCoefficientId BIGINT GENERATED BY DEFAULT AS IDENTITY,
    TenantId INT NOT NULL,
    ModelId INT NOT NULL,
    LayerIndex INT NOT NULL,
    PositionX INT NOT NULL,
    PositionY INT NOT NULL,
    PositionZ INT NULL,
    ValueAtomId BIGINT NOT NULL,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    -- FIX: the reference turns SYSTEM_VERSIONING on without any period columns.
    SysStartTime TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    SysEndTime TIMESTAMP NOT NULL DEFAULT TIMESTAMP '9999-12-31 23:59:59.999999',
    CONSTRAINT PK_TensorAtomCoefficient PRIMARY KEY (TensorCoefficientId),
    CONSTRAINT FK_TensorAtomCoefficient_Model FOREIGN KEY (ModelId) REFERENCES dbo.Model (ModelId),
    -- FIX: tenant-scoped, so a coefficient cannot point at another tenant's value atom.
    CONSTRAINT FK_TensorAtomCoefficient_ValueAtom FOREIGN KEY (TenantId, ValueAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId)
);

CREATE TABLE dbo.TensorAtomCoefficients_History (
    TensorCoefficientId BIGINT NOT NULL,
    TenantId INT NOT NULL,
    ModelId INT NOT NULL,
    LayerIndex INT NOT NULL,
    PositionX INT NOT NULL,
    PositionY INT NOT NULL,
    PositionZ INT NULL,
    ValueAtomId BIGINT NOT NULL,
    CreatedAt TIMESTAMP NOT NULL,
    SysStartTime TIMESTAMP NOT NULL,
    SysEndTime TIMESTAMP NOT NULL
);

CREATE INDEX IX_TensorAtomCoefficients_History_Period
    ON dbo.TensorAtomCoefficients_History (SysEndTime, SysStartTime);

CREATE TRIGGER TensorAtomCoefficient_SystemVersioning BEFORE UPDATE OR DELETE ON dbo.TensorAtomCoefficient
    FOR EACH ROW EXECUTE FUNCTION dbo.SystemVersioning('dbo.TensorAtomCoefficients_History');

-- Stands in for SQL Server's nonclustered columnstore: scans of one layer's coefficients.
CREATE INDEX IX_TensorAtomCoefficient_Layer ON dbo.TensorAtomCoefficient (ModelId, LayerIndex, ValueAtomId);

CREATE INDEX IX_TensorAtomCoefficient_ValueAtom ON dbo.TensorAtomCoefficient (TenantId, ValueAtomId);

-- =====================================================================================
-- dbo.AtomEmbedding, dbo.AtomEmbeddingComponent
-- =====================================================================================

CREATE TABLE dbo.AtomEmbedding (
    AtomEmbeddingId BIGINT GENERATED BY DEFAULT AS IDENTITY,
    TenantId INT NOT NULL,
    SourceAtomId BIGINT NOT NULL,
    ModelId INT NOT NULL,
    -- Portable vector: little-endian float32, Dimensions values (SQL Server mirrors it in a VECTOR).
    EmbeddingBytes BYTEA NOT NULL,
    Dimensions SMALLINT NOT NULL,
    -- Portable 3-D projection and its Hilbert index. FIX: the reference derives these from the
    -- GEOMETRY (SpatialKey.STX, .M), which does not exist outside SQL Server.
    SpatialX DOUBLE PRECISION NOT NULL,
    SpatialY DOUBLE PRECISION NOT NULL,
    SpatialZ DOUBLE PRECISION NOT NULL,
    HilbertValue BIGINT NOT NULL,
    SpatialBucketX INT NOT NULL GENERATED ALWAYS AS (CAST(FLOOR((SpatialX + 100) / 10) AS INT)) STORED,
    SpatialBucketY INT NOT NULL GENERATED ALWAYS AS (CAST(FLOOR((SpatialY + 100) / 10) AS INT)) STORED,
    SpatialBucketZ INT NOT NULL GENERATED ALWAYS AS (CAST(FLOOR((SpatialZ + 100) / 10) AS INT)) STORED,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT PK_AtomEmbedding PRIMARY KEY (AtomEmbeddingId),
    CONSTRAINT UQ_AtomEmbedding_SourceModel UNIQUE (SourceAtomId, ModelId),
    -- FIX: tenant-scoped foreign key to the embedded atom.
    CONSTRAINT FK_AtomEmbedding_SourceAtom FOREIGN KEY (TenantId, SourceAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId) ON DELETE CASCADE,
    CONSTRAINT FK_AtomEmbedding_Model FOREIGN KEY (ModelId) REFERENCES dbo.Model (ModelId),
    CONSTRAINT CK_AtomEmbedding_Dimensions CHECK (Dimensions > 0),
    CONSTRAINT CK_AtomEmbedding_Bytes CHECK (octet_length(EmbeddingBytes) = 4 * Dimensions)
);

-- FIX: no vector index. The reference's "CREATE VECTOR INDEX ... WITH (METRIC = 'cosine',
-- LISTS = 1000)" is not SQL Server 2025 syntax, and a DiskANN vector index makes its table
-- read-only there. Approximate nearest-neighbour search lives in the search-service's own index,
-- rebuilt from EmbeddingBytes (and no pgvector is assumed here).

CREATE INDEX IX_AtomEmbedding_Buckets
    ON dbo.AtomEmbedding (TenantId, SpatialBucketX, SpatialBucketY, SpatialBucketZ) INCLUDE (ModelId, SourceAtomId);

CREATE INDEX IX_AtomEmbedding_Hilbert
    ON dbo.AtomEmbedding (TenantId, ModelId, HilbertValue) INCLUDE (SourceAtomId);

CREATE TABLE dbo.AtomEmbeddingComponent (
    ComponentId BIGINT GENERATED BY DEFAULT AS IDENTITY,
    TenantId INT NOT NULL,
    SourceAtomId BIGINT NOT NULL,
    DimensionIndex SMALLINT NOT NULL,
    DimensionAtomId BIGINT NOT NULL,
    ModelId INT NOT NULL,
    -- Portable value of the dimension (the float32 that DimensionAtomId stands for).
    ComponentValue REAL NOT NULL,
    CONSTRAINT PK_AtomEmbeddingComponent PRIMARY KEY (ComponentId),
    CONSTRAINT UQ_AtomEmbeddingComponent_SourceDimensionModel UNIQUE (SourceAtomId, DimensionIndex, ModelId),
    -- FIX: tenant-scoped foreign keys.
    CONSTRAINT FK_AtomEmbeddingComponent_SourceAtom FOREIGN KEY (TenantId, SourceAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId) ON DELETE CASCADE,
    CONSTRAINT FK_AtomEmbeddingComponent_DimensionAtom FOREIGN KEY (TenantId, DimensionAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId),
    CONSTRAINT FK_AtomEmbeddingComponent_Model FOREIGN KEY (ModelId) REFERENCES dbo.Model (ModelId),
    CONSTRAINT CK_AtomEmbeddingComponent_DimensionIndex CHECK (DimensionIndex >= 0)
);

-- FIX: the reference filters on ABS(CAST(DimensionAtomId AS REAL)) > 0.001, i.e. on an id cast to
-- REAL. Filter on the value itself (same predicate as on SQL Server, whose filtered indexes cannot
-- use functions).
CREATE INDEX IX_Component_NonZero
    ON dbo.AtomEmbeddingComponent (ModelId, DimensionIndex) INCLUDE (ComponentValue)
    WHERE ComponentValue <> 0;

CREATE INDEX IX_AtomEmbeddingComponent_DimensionAtom ON dbo.AtomEmbeddingComponent (TenantId, DimensionAtomId);

-- =====================================================================================
-- dbo.IngestionJob
-- =====================================================================================

CREATE TABLE dbo.IngestionJob (
    JobId UUID NOT NULL DEFAULT gen_random_uuid(),
    TenantId INT NOT NULL,
    FileName VARCHAR(500) NOT NULL,
    ContentType VARCHAR(255) NULL,
    JobStatus VARCHAR(50) NOT NULL DEFAULT 'Pending',
    AtomChunkSize INT NOT NULL DEFAULT 10000,
    CurrentAtomOffset BIGINT NOT NULL DEFAULT 0,
    TotalAtomsProcessed BIGINT NOT NULL DEFAULT 0,
    AtomQuota BIGINT NOT NULL DEFAULT 5000000000,
    ErrorMessage TEXT NULL,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    StartedAt TIMESTAMP NULL,
    CompletedAt TIMESTAMP NULL,
    -- Last progress write (heartbeat of a resumable job).
    UpdatedAt TIMESTAMP NULL,
    CONSTRAINT PK_IngestionJob PRIMARY KEY (JobId)
);

CREATE INDEX IX_IngestionJob_Status ON dbo.IngestionJob (JobStatus, CreatedAt);

CREATE INDEX IX_IngestionJob_Tenant ON dbo.IngestionJob (TenantId, JobStatus);

-- =====================================================================================
-- OODA loop: dbo.LearningMetrics, dbo.PendingActions, dbo.AutonomousImprovementHistory
-- =====================================================================================

CREATE TABLE dbo.LearningMetrics (
    MetricId BIGINT GENERATED BY DEFAULT AS IDENTITY,
    TenantId INT NOT NULL,
    AnalysisType VARCHAR(100) NOT NULL,
    ObservationsJson TEXT NOT NULL,
    AnomaliesDetected INT NOT NULL,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT PK_LearningMetrics PRIMARY KEY (MetricId)
);

CREATE INDEX IX_LearningMetrics_Tenant ON dbo.LearningMetrics (TenantId, CreatedAt);

CREATE TABLE dbo.PendingActions (
    ActionId BIGINT GENERATED BY DEFAULT AS IDENTITY,
    TenantId INT NOT NULL,
    ActionType VARCHAR(100) NOT NULL,
    TargetObject VARCHAR(500) NOT NULL,
    -- FIX: the reference says "T-SQL to execute". It holds the JSON parameters of a typed action
    -- from the ooda-service's catalogue (ActionType names the action) and is never executed as SQL.
    ActionCommand TEXT NOT NULL,
    ExpectedImprovement VARCHAR(500) NULL,
    ApprovalScore NUMERIC(3,2) NOT NULL,
    Status VARCHAR(50) NOT NULL DEFAULT 'Pending',
    ExecutedAt TIMESTAMP NULL,
    ErrorMessage TEXT NULL,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT PK_PendingActions PRIMARY KEY (ActionId),
    -- FIX: the reference documents 0.00-1.00 but does not enforce it.
    CONSTRAINT CK_PendingActions_ApprovalScore CHECK (ApprovalScore BETWEEN 0 AND 1)
);

CREATE INDEX IX_PendingActions_TenantStatus ON dbo.PendingActions (TenantId, Status, CreatedAt);

CREATE TABLE dbo.AutonomousImprovementHistory (
    ImprovementId BIGINT GENERATED BY DEFAULT AS IDENTITY,
    TenantId INT NOT NULL,
    ActionType VARCHAR(100) NOT NULL,
    TargetObject VARCHAR(500) NOT NULL,
    -- The JSON parameters of the typed action that ran (see PendingActions.ActionCommand).
    ActionCommand TEXT NOT NULL,
    Status VARCHAR(50) NOT NULL,
    DurationMs INT NULL,
    ResultJson TEXT NULL,
    ActualImprovement NUMERIC(5,2) NULL,
    ErrorMessage TEXT NULL,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT PK_AutonomousImprovementHistory PRIMARY KEY (ImprovementId)
);

CREATE INDEX IX_AutonomousImprovementHistory_Tenant ON dbo.AutonomousImprovementHistory (TenantId, CreatedAt);

-- =====================================================================================
-- provenance.Concepts, provenance.AtomConcepts
-- =====================================================================================

CREATE TABLE provenance.Concepts (
    ConceptId BIGINT GENERATED BY DEFAULT AS IDENTITY,
    -- FIX: the reference has no tenant on discovered concepts.
    TenantId INT NOT NULL,
    ConceptName VARCHAR(255) NOT NULL,
    -- Portable centroid and domain (SQL Server mirrors them in CentroidSpatialKey / ConceptDomain GEOMETRY).
    CentroidX DOUBLE PRECISION NULL,
    CentroidY DOUBLE PRECISION NULL,
    CentroidZ DOUBLE PRECISION NULL,
    DomainWkt TEXT NULL,
    DiscoveryMethod VARCHAR(100) NULL,
    CoherenceScore NUMERIC(5,4) NULL,
    SeparationScore NUMERIC(5,4) NULL,
    CreatedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT PK_ProvenanceConcepts PRIMARY KEY (ConceptId)
);

CREATE INDEX IX_ProvenanceConcepts_Tenant ON provenance.Concepts (TenantId);

CREATE TABLE provenance.AtomConcepts (
    AtomId BIGINT NOT NULL,
    ConceptId BIGINT NOT NULL,
    MembershipScore NUMERIC(5,4) NULL,
    AssignedAt TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT PK_AtomConcepts PRIMARY KEY (AtomId, ConceptId),
    CONSTRAINT FK_AtomConcepts_Atom FOREIGN KEY (AtomId) REFERENCES dbo.Atom (AtomId) ON DELETE CASCADE,
    CONSTRAINT FK_AtomConcepts_Concept FOREIGN KEY (ConceptId) REFERENCES provenance.Concepts (ConceptId),
    -- FIX: the reference documents 0.0-1.0 but does not enforce it.
    CONSTRAINT CK_AtomConcepts_MembershipScore CHECK (MembershipScore BETWEEN 0 AND 1)
);

CREATE INDEX IX_AtomConcepts_Concept ON provenance.AtomConcepts (ConceptId);

-- =====================================================================================
-- graph: plain-table mirrors of atoms and relations, walked with recursive CTEs
-- (SQL Server: NODE / EDGE tables for MATCH)
-- =====================================================================================

CREATE TABLE graph.AtomNode (
    TenantId INT NOT NULL,
    AtomId BIGINT NOT NULL,
    Modality VARCHAR(50) NOT NULL,
    CONSTRAINT UQ_AtomNode_AtomId UNIQUE (AtomId),
    CONSTRAINT UQ_AtomNode_TenantAtom UNIQUE (TenantId, AtomId),
    CONSTRAINT FK_AtomNode_Atom FOREIGN KEY (TenantId, AtomId) REFERENCES dbo.Atom (TenantId, AtomId) ON DELETE CASCADE
);

CREATE TABLE graph.AtomEdge (
    TenantId INT NOT NULL,
    RelationType VARCHAR(128) NOT NULL,
    Weight REAL NULL,
    -- PostgreSQL only: a plain table has no $from_id / $to_id, so the edge names its ends. Like
    -- SQL Server's connection constraint (ON DELETE CASCADE), edges go with their nodes; the keys
    -- also include TenantId, so an edge can never join two tenants.
    FromAtomId BIGINT NOT NULL,
    ToAtomId BIGINT NOT NULL,
    CONSTRAINT FK_AtomEdge_From FOREIGN KEY (TenantId, FromAtomId)
        REFERENCES graph.AtomNode (TenantId, AtomId) ON DELETE CASCADE,
    CONSTRAINT FK_AtomEdge_To FOREIGN KEY (TenantId, ToAtomId)
        REFERENCES graph.AtomNode (TenantId, AtomId) ON DELETE CASCADE
);

CREATE INDEX IX_AtomEdge_From ON graph.AtomEdge (TenantId, FromAtomId, RelationType);

CREATE INDEX IX_AtomEdge_To ON graph.AtomEdge (TenantId, ToAtomId, RelationType);
