-- Hartonomous core schema, SQL Server 2025 dialect.
--
-- Table for table and column for column the same model as db/migration/postgresql/V1__core_schema.sql
-- (checked by SchemaParityTest). The only differences are the SQL-Server-only mirror columns
-- (GEOMETRY, VECTOR, HIERARCHYID and the computed columns derived from them), which duplicate a
-- portable numeric column for spatial indexes; the portable column is always the source of truth.
--
-- Identifiers are unquoted PascalCase, so the same query text works on both dialects.
-- "FIX:" comments mark the places where this script deliberately departs from the reference
-- schema (shared/schema-reference.md) because the reference is wrong there.
--
-- Batches are separated by GO: CREATE SCHEMA must be the only statement of its batch.

-- The schema dbo exists in every SQL Server database; the three others are created here.
CREATE SCHEMA provenance;
GO
CREATE SCHEMA graph;
GO
CREATE SCHEMA ref;
GO

-- =====================================================================================
-- ref: lookup lists
-- =====================================================================================

CREATE TABLE ref.Modality (
    Code VARCHAR(50) NOT NULL,
    Description NVARCHAR(500) NULL,
    CONSTRAINT PK_Modality PRIMARY KEY (Code)
);

CREATE TABLE ref.Subtype (
    Modality VARCHAR(50) NOT NULL,
    Code VARCHAR(50) NOT NULL,
    Description NVARCHAR(500) NULL,
    CONSTRAINT PK_Subtype PRIMARY KEY (Modality, Code),
    CONSTRAINT FK_Subtype_Modality FOREIGN KEY (Modality) REFERENCES ref.Modality (Code)
);

CREATE TABLE ref.RelationType (
    Code NVARCHAR(128) NOT NULL,
    Description NVARCHAR(500) NULL,
    IsSystem BIT NOT NULL DEFAULT 0,
    CONSTRAINT PK_RelationType PRIMARY KEY (Code)
);

INSERT INTO ref.Modality (Code, Description) VALUES
    ('text', N'Natural-language text'),
    ('code', N'Source code'),
    ('image', N'Raster and vector images'),
    ('audio', N'Audio streams'),
    ('model', N'AI model files (safetensors, GGUF, ONNX)'),
    ('database', N'Database exports'),
    ('git', N'Git repositories'),
    ('binary', N'Opaque bytes');

INSERT INTO ref.Subtype (Modality, Code, Description) VALUES
    ('text', 'document', N'A whole text file'),
    ('text', 'line', N'One line of text'),
    ('text', 'token', N'One token'),
    ('code', 'document', N'A whole source file'),
    ('code', 'syntax-node', N'A node of the syntax tree'),
    ('code', 'line', N'One line of source'),
    ('code', 'token', N'One lexical token'),
    ('image', 'document', N'A whole image file'),
    ('image', 'raster', N'The decoded pixel raster'),
    ('image', 'patch', N'A rectangular patch of pixels'),
    ('image', 'pixel', N'One pixel'),
    ('audio', 'document', N'A whole audio file'),
    ('audio', 'header', N'A container header'),
    ('audio', 'sample', N'A run of samples'),
    ('model', 'document', N'A whole model file'),
    ('model', 'header', N'A model file header'),
    ('model', 'tensor', N'One tensor'),
    ('model', 'float32-weight', N'One float32 weight'),
    ('database', 'document', N'A whole database export'),
    ('database', 'row', N'One row'),
    ('git', 'commit', N'A commit object'),
    ('git', 'tree', N'A tree object'),
    ('git', 'blob', N'A blob object'),
    ('binary', 'document', N'A whole binary file'),
    ('binary', 'chunk', N'A chunk of bytes');

INSERT INTO ref.RelationType (Code, Description, IsSystem) VALUES
    (N'derives_from', N'The source was derived from the target', 1),
    (N'similar_to', N'The atoms are semantically similar', 1),
    (N'contradicts', N'The atoms contradict each other', 1),
    (N'influences', N'The source influences the target', 1),
    (N'decodes_to', N'The target is the decoded form of the source (e.g. a PNG file and its raster)', 1);
GO

-- =====================================================================================
-- dbo.Concept
-- =====================================================================================

CREATE TABLE dbo.Concept (
    ConceptId BIGINT IDENTITY(1,1) NOT NULL,
    -- FIX: the reference has no tenant on concepts; every tenant's concepts are its own.
    TenantId INT NOT NULL,
    ConceptName NVARCHAR(255) NOT NULL,
    Description NVARCHAR(MAX) NULL,
    CentroidVector VARBINARY(MAX) NULL,
    -- SQL Server only: hierarchical key mirroring the portable centroid columns.
    CentroidSpatialKey HIERARCHYID NULL,
    -- SQL Server only: mirror of DomainWkt for spatial indexing.
    Domain GEOMETRY NULL,
    -- Portable centroid position and domain boundary (source of truth).
    CentroidX FLOAT NULL,
    CentroidY FLOAT NULL,
    CentroidZ FLOAT NULL,
    DomainWkt NVARCHAR(MAX) NULL,
    Radius FLOAT NULL,
    ParentConceptId BIGINT NULL,
    AtomCount BIGINT NOT NULL DEFAULT 0,
    Confidence DECIMAL(5,4) NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_Concept PRIMARY KEY (ConceptId),
    -- Target for tenant-scoped foreign keys.
    CONSTRAINT UQ_Concept_TenantConcept UNIQUE (TenantId, ConceptId),
    -- FIX: the reference's self reference ignores tenancy; a parent concept must be the same tenant's.
    CONSTRAINT FK_Concept_Parent FOREIGN KEY (TenantId, ParentConceptId) REFERENCES dbo.Concept (TenantId, ConceptId)
);

CREATE INDEX IX_Concept_TenantParent ON dbo.Concept (TenantId, ParentConceptId);

-- FIX: the reference's SPATIAL INDEX on Domain has no BOUNDING_BOX, which GEOMETRY requires;
-- concept domains live in the projected embedding space (-100..100).
CREATE SPATIAL INDEX SIX_Concept_Domain ON dbo.Concept (Domain)
    WITH (BOUNDING_BOX = (-100, -100, 100, 100));

-- FIX: the reference creates a SPATIAL INDEX on CentroidSpatialKey, a HIERARCHYID; spatial indexes
-- exist only for GEOMETRY/GEOGRAPHY. A HIERARCHYID is indexed with an ordinary (depth-first) index.
CREATE INDEX IX_Concept_CentroidSpatialKey ON dbo.Concept (TenantId, CentroidSpatialKey);
GO

-- =====================================================================================
-- dbo.Atom (system-versioned; history in dbo.AtomHistory)
-- =====================================================================================

-- History table, created explicitly: same columns in the same order as dbo.Atom,
-- without IDENTITY, primary key or any constraint (SQL Server requires that).
CREATE TABLE dbo.AtomHistory (
    AtomId BIGINT NOT NULL,
    TenantId INT NOT NULL,
    ContentHash BINARY(32) NOT NULL,
    AtomicValue VARBINARY(64) NOT NULL,
    ContentLength BIGINT NOT NULL,
    CanonicalText NVARCHAR(MAX) NULL,
    Modality VARCHAR(50) NOT NULL,
    Subtype VARCHAR(50) NULL,
    ContentType VARCHAR(255) NULL,
    Metadata NVARCHAR(MAX) NULL,
    ReferenceCount BIGINT NOT NULL,
    ConceptId BIGINT NULL,
    CreatedAt DATETIME2 NOT NULL,
    LastAccessedUtc DATETIME2 NULL,
    SysStartTime DATETIME2 NOT NULL,
    SysEndTime DATETIME2 NOT NULL
);

CREATE CLUSTERED INDEX IX_AtomHistory_Period ON dbo.AtomHistory (SysEndTime, SysStartTime);

CREATE TABLE dbo.Atom (
    AtomId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    ContentHash BINARY(32) NOT NULL,
    AtomicValue VARBINARY(64) NOT NULL,
    -- Size in bytes of the content the atom stands for: DATALENGTH(AtomicValue) for a leaf,
    -- the full size for a composite (whose AtomicValue is a 64-byte preview).
    ContentLength BIGINT NOT NULL,
    CanonicalText NVARCHAR(MAX) NULL,
    Modality VARCHAR(50) NOT NULL,
    Subtype VARCHAR(50) NULL,
    ContentType VARCHAR(255) NULL,
    Metadata NVARCHAR(MAX) NULL,
    -- FIX: the reference defaults ReferenceCount to 1, counting a reference that does not exist;
    -- counts are maintained explicitly (composition edges + pinned roots), so they start at 0.
    ReferenceCount BIGINT NOT NULL DEFAULT 0,
    ConceptId BIGINT NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    LastAccessedUtc DATETIME2 NULL,
    -- FIX: the reference adds PERIOD FOR SYSTEM_TIME over columns it never declares.
    SysStartTime DATETIME2 GENERATED ALWAYS AS ROW START NOT NULL,
    SysEndTime DATETIME2 GENERATED ALWAYS AS ROW END NOT NULL,
    PERIOD FOR SYSTEM_TIME (SysStartTime, SysEndTime),
    -- FIX: the reference also runs CREATE CLUSTERED INDEX PK_Atom on a table whose primary key is
    -- already clustered; the primary key constraint itself is named PK_Atom instead.
    CONSTRAINT PK_Atom PRIMARY KEY CLUSTERED (AtomId),
    -- CAS constraint. FIX: the reference declares it twice (UNIQUE and IX_Atom_TenantHash);
    -- the constraint carries the index name.
    CONSTRAINT IX_Atom_TenantHash UNIQUE (TenantId, ContentHash),
    -- Target for tenant-scoped foreign keys on AtomId.
    CONSTRAINT UQ_Atom_TenantAtom UNIQUE (TenantId, AtomId),
    -- FIX: the reference's ConceptId foreign key ignores tenancy; an atom's concept must be its tenant's.
    CONSTRAINT FK_Atom_Concept FOREIGN KEY (TenantId, ConceptId) REFERENCES dbo.Concept (TenantId, ConceptId),
    -- The reference only documents "maximum 64 bytes"; an empty value is no atom either.
    CONSTRAINT CK_Atom_AtomicValueLength CHECK (DATALENGTH(AtomicValue) BETWEEN 1 AND 64),
    CONSTRAINT CK_Atom_ContentLength CHECK (ContentLength >= DATALENGTH(AtomicValue)),
    CONSTRAINT CK_Atom_ReferenceCount CHECK (ReferenceCount >= 0),
    -- The reference documents "Metadata: JSON validated on insert" without a constraint.
    CONSTRAINT CK_Atom_Metadata CHECK (ISJSON(Metadata) = 1)
)
WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.AtomHistory));

-- FIX (all four): TenantId leads every index; every query filters by tenant.
CREATE INDEX IX_Atom_Modality ON dbo.Atom (TenantId, Modality, Subtype) INCLUDE (CanonicalText);

CREATE INDEX IX_Atom_Concept ON dbo.Atom (TenantId, ConceptId) WHERE ConceptId IS NOT NULL;

CREATE INDEX IX_Atom_DeadAtoms ON dbo.Atom (TenantId, ReferenceCount, LastAccessedUtc) WHERE ReferenceCount = 0;
GO

-- =====================================================================================
-- dbo.AtomComposition
-- =====================================================================================

CREATE TABLE dbo.AtomComposition (
    AtomCompositionId BIGINT IDENTITY(1,1) NOT NULL,
    -- FIX: ContentHash is unique only per tenant, so the edge must carry the tenant.
    TenantId INT NOT NULL,
    ParentAtomHash BINARY(32) NOT NULL,
    ComponentAtomHash BINARY(32) NOT NULL,
    SequenceIndex BIGINT NOT NULL,
    -- SQL Server only: GEOMETRY mirror of the portable position, for the spatial index.
    Position GEOMETRY NULL,
    -- Portable position (source of truth). FIX: the reference keeps M inside the GEOMETRY, where it
    -- cannot be an index key; M (the Hilbert index of X, Y, Z) is its own column.
    PositionX FLOAT NULL,
    PositionY FLOAT NULL,
    PositionZ FLOAT NULL,
    PositionM BIGINT NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_AtomComposition PRIMARY KEY (AtomCompositionId),
    -- FIX: the reference references Atom(ContentHash), which is not unique; the keys include TenantId.
    CONSTRAINT FK_AtomComposition_Parent FOREIGN KEY (TenantId, ParentAtomHash)
        REFERENCES dbo.Atom (TenantId, ContentHash) ON DELETE CASCADE,
    CONSTRAINT FK_AtomComposition_Component FOREIGN KEY (TenantId, ComponentAtomHash)
        REFERENCES dbo.Atom (TenantId, ContentHash),
    -- An atom can never contain itself (reconstruction would not terminate).
    CONSTRAINT CK_AtomComposition_NotSelf CHECK (ParentAtomHash <> ComponentAtomHash),
    CONSTRAINT CK_AtomComposition_SequenceIndex CHECK (SequenceIndex >= 0)
);

-- An atom has at most one decomposition: one component per (parent, sequence index).
-- Replaces the reference's IX_AtomComposition_Parent and covers the same lookups.
CREATE UNIQUE INDEX UX_AtomComposition_ParentSequence
    ON dbo.AtomComposition (TenantId, ParentAtomHash, SequenceIndex) INCLUDE (ComponentAtomHash);

CREATE INDEX IX_AtomComposition_Component ON dbo.AtomComposition (TenantId, ComponentAtomHash);

CREATE SPATIAL INDEX SIX_AtomComposition_Position ON dbo.AtomComposition (Position)
    WITH (BOUNDING_BOX = (0, 0, 10000, 10000));

-- FIX: the reference's "CREATE COLUMNSTORE INDEX ... ORDER (Position.M)" is not valid T-SQL (ORDER
-- takes columns, not a CLR property, and a plain COLUMNSTORE index would be clustered beside the
-- clustered primary key). A nonclustered columnstore over the plain columns, Hilbert M included.
CREATE NONCLUSTERED COLUMNSTORE INDEX CIX_AtomComposition
    ON dbo.AtomComposition (TenantId, ParentAtomHash, ComponentAtomHash, SequenceIndex, PositionM);
GO

-- =====================================================================================
-- dbo.AtomRelation (system-versioned; history in dbo.AtomRelations_History)
-- =====================================================================================

CREATE TABLE dbo.AtomRelations_History (
    AtomRelationId BIGINT NOT NULL,
    TenantId INT NOT NULL,
    SourceAtomId BIGINT NOT NULL,
    TargetAtomId BIGINT NOT NULL,
    RelationType NVARCHAR(128) NOT NULL,
    Importance DECIMAL(5,4) NULL,
    Confidence DECIMAL(5,4) NULL,
    Weight REAL NULL,
    SpatialExpression GEOMETRY NULL,
    CoordX FLOAT NULL,
    CoordY FLOAT NULL,
    CoordZ FLOAT NULL,
    CoordT FLOAT NULL,
    CoordW FLOAT NULL,
    CreatedAt DATETIME2 NOT NULL,
    SysStartTime DATETIME2 NOT NULL,
    SysEndTime DATETIME2 NOT NULL
);

CREATE CLUSTERED INDEX IX_AtomRelations_History_Period ON dbo.AtomRelations_History (SysEndTime, SysStartTime);

CREATE TABLE dbo.AtomRelation (
    AtomRelationId BIGINT IDENTITY(1,1) NOT NULL,
    -- FIX: relations carry their tenant so both ends can be tied to it.
    TenantId INT NOT NULL,
    SourceAtomId BIGINT NOT NULL,
    TargetAtomId BIGINT NOT NULL,
    -- Free text: tenants may define their own types (ref.RelationType lists the system ones).
    RelationType NVARCHAR(128) NOT NULL,
    Importance DECIMAL(5,4) NULL,
    Confidence DECIMAL(5,4) NULL,
    Weight REAL NULL,
    -- SQL Server only: geometric representation for the spatial index.
    SpatialExpression GEOMETRY NULL,
    CoordX FLOAT NULL,
    CoordY FLOAT NULL,
    CoordZ FLOAT NULL,
    CoordT FLOAT NULL,
    CoordW FLOAT NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    -- FIX: the reference turns SYSTEM_VERSIONING on without any period columns.
    SysStartTime DATETIME2 GENERATED ALWAYS AS ROW START NOT NULL,
    SysEndTime DATETIME2 GENERATED ALWAYS AS ROW END NOT NULL,
    PERIOD FOR SYSTEM_TIME (SysStartTime, SysEndTime),
    CONSTRAINT PK_AtomRelation PRIMARY KEY (AtomRelationId),
    -- FIX: tenant-scoped foreign keys, so a relation can never join two tenants.
    CONSTRAINT FK_AtomRelation_Source FOREIGN KEY (TenantId, SourceAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId) ON DELETE CASCADE,
    CONSTRAINT FK_AtomRelation_Target FOREIGN KEY (TenantId, TargetAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId),
    -- FIX: the reference documents 0.0-1.0 but does not enforce it.
    CONSTRAINT CK_AtomRelation_Importance CHECK (Importance BETWEEN 0 AND 1),
    CONSTRAINT CK_AtomRelation_Confidence CHECK (Confidence BETWEEN 0 AND 1)
)
WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.AtomRelations_History));

CREATE INDEX IX_AtomRelation_Source ON dbo.AtomRelation (TenantId, SourceAtomId, RelationType);

CREATE INDEX IX_AtomRelation_Target ON dbo.AtomRelation (TenantId, TargetAtomId, RelationType);

-- FIX: a GEOMETRY spatial index needs a BOUNDING_BOX, which the reference omits;
-- relation geometry lives in the projected embedding space (-100..100).
CREATE SPATIAL INDEX SIX_AtomRelation_Spatial ON dbo.AtomRelation (SpatialExpression)
    WITH (BOUNDING_BOX = (-100, -100, 100, 100));
GO

-- =====================================================================================
-- dbo.Model, dbo.ModelLayer, dbo.TensorAtomCoefficient
-- =====================================================================================

CREATE TABLE dbo.Model (
    ModelId INT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    ModelName NVARCHAR(255) NOT NULL,
    ModelType NVARCHAR(100) NOT NULL,
    Architecture NVARCHAR(500) NULL,
    ParameterCount BIGINT NULL,
    ConfigurationJson NVARCHAR(MAX) NULL,
    SerializedModel VARBINARY(MAX) NULL,
    -- Root atom of the model file (its SHA-256), and its format: safetensors, gguf, onnx.
    ModelAtomHash BINARY(32) NULL,
    Format NVARCHAR(50) NULL,
    UsageCount BIGINT NOT NULL DEFAULT 0,
    AverageInferenceMs INT NULL,
    LastUsed DATETIME2 NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_Model PRIMARY KEY (ModelId),
    -- FIX: the reference's global UNIQUE (ModelName) leaks across tenants (one tenant's name
    -- blocks another's and reveals it exists); names are unique per tenant.
    CONSTRAINT UQ_Model_TenantName UNIQUE (TenantId, ModelName)
);

CREATE TABLE dbo.ModelLayer (
    ModelLayerId INT IDENTITY(1,1) NOT NULL,
    ModelId INT NOT NULL,
    LayerIndex INT NOT NULL,
    LayerName NVARCHAR(255) NOT NULL,
    LayerType NVARCHAR(100) NOT NULL,
    TensorShape NVARCHAR(500) NULL,
    -- Number of elements of the tensor and the atom holding its bytes.
    ElementCount BIGINT NULL,
    TensorAtomHash BINARY(32) NULL,
    -- SQL Server only: spatial representation of the layer.
    WeightsGeometry GEOMETRY NULL,
    QuantizationType NVARCHAR(50) NULL,
    QuantizationScale REAL NULL,
    CacheHitRate DECIMAL(5,4) NULL,
    AvgComputeTimeMs INT NULL,
    CONSTRAINT PK_ModelLayer PRIMARY KEY (ModelLayerId),
    CONSTRAINT UQ_ModelLayer_ModelLayerIndex UNIQUE (ModelId, LayerIndex),
    CONSTRAINT FK_ModelLayer_Model FOREIGN KEY (ModelId) REFERENCES dbo.Model (ModelId) ON DELETE CASCADE
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
    -- A computed column of the current table is a plain column in its history table.
    SpatialKey GEOMETRY NULL,
    CreatedAt DATETIME2 NOT NULL,
    SysStartTime DATETIME2 NOT NULL,
    SysEndTime DATETIME2 NOT NULL
);

CREATE CLUSTERED INDEX IX_TensorAtomCoefficients_History_Period
    ON dbo.TensorAtomCoefficients_History (SysEndTime, SysStartTime);

CREATE TABLE dbo.TensorAtomCoefficient (
    TensorCoefficientId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    ModelId INT NOT NULL,
    LayerIndex INT NOT NULL,
    PositionX INT NOT NULL,
    PositionY INT NOT NULL,
    PositionZ INT NULL,
    ValueAtomId BIGINT NOT NULL,
    -- SQL Server only. FIX: the reference computes geometry::Point(PositionX, PositionY,
    -- ISNULL(PositionZ, 0)), but the third argument of geometry::Point is the SRID, not Z.
    -- The spatial key is the 2-D (X, Y) point in SRID 0; Z stays in PositionZ.
    SpatialKey AS geometry::Point(PositionX, PositionY, 0) PERSISTED,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    -- FIX: the reference turns SYSTEM_VERSIONING on without any period columns.
    SysStartTime DATETIME2 GENERATED ALWAYS AS ROW START NOT NULL,
    SysEndTime DATETIME2 GENERATED ALWAYS AS ROW END NOT NULL,
    PERIOD FOR SYSTEM_TIME (SysStartTime, SysEndTime),
    CONSTRAINT PK_TensorAtomCoefficient PRIMARY KEY (TensorCoefficientId),
    CONSTRAINT FK_TensorAtomCoefficient_Model FOREIGN KEY (ModelId) REFERENCES dbo.Model (ModelId),
    -- FIX: tenant-scoped, so a coefficient cannot point at another tenant's value atom.
    CONSTRAINT FK_TensorAtomCoefficient_ValueAtom FOREIGN KEY (TenantId, ValueAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId)
)
WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.TensorAtomCoefficients_History));

CREATE INDEX IX_TensorAtomCoefficient_Layer ON dbo.TensorAtomCoefficient (ModelId, LayerIndex) INCLUDE (ValueAtomId);

CREATE INDEX IX_TensorAtomCoefficient_ValueAtom ON dbo.TensorAtomCoefficient (TenantId, ValueAtomId);

-- FIX: the reference's plain CREATE COLUMNSTORE INDEX would be a clustered columnstore, which
-- clashes with the clustered primary key; a nonclustered columnstore over the plain columns.
CREATE NONCLUSTERED COLUMNSTORE INDEX CIX_TensorAtomCoefficient
    ON dbo.TensorAtomCoefficient (TenantId, ModelId, LayerIndex, PositionX, PositionY, PositionZ, ValueAtomId);

CREATE SPATIAL INDEX SIX_TensorAtomCoefficient ON dbo.TensorAtomCoefficient (SpatialKey)
    WITH (BOUNDING_BOX = (0, 0, 10000, 10000));
GO

-- =====================================================================================
-- dbo.AtomEmbedding, dbo.AtomEmbeddingComponent
-- =====================================================================================

CREATE TABLE dbo.AtomEmbedding (
    AtomEmbeddingId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    SourceAtomId BIGINT NOT NULL,
    ModelId INT NOT NULL,
    -- Portable vector: little-endian float32, Dimensions values (source of truth).
    EmbeddingBytes VARBINARY(MAX) NOT NULL,
    Dimensions SMALLINT NOT NULL,
    -- Portable 3-D projection and its Hilbert index. FIX: the reference derives these from the
    -- GEOMETRY (SpatialKey.STX, .M), which does not exist outside SQL Server.
    SpatialX FLOAT NOT NULL,
    SpatialY FLOAT NOT NULL,
    SpatialZ FLOAT NOT NULL,
    HilbertValue BIGINT NOT NULL,
    -- SQL Server only: GEOMETRY mirror of the projection and native VECTOR mirror of EmbeddingBytes.
    SpatialKey GEOMETRY NULL,
    EmbeddingVector VECTOR(384) NULL,
    SpatialBucketX AS CAST(FLOOR((SpatialX + 100) / 10) AS INT) PERSISTED NOT NULL,
    SpatialBucketY AS CAST(FLOOR((SpatialY + 100) / 10) AS INT) PERSISTED NOT NULL,
    SpatialBucketZ AS CAST(FLOOR((SpatialZ + 100) / 10) AS INT) PERSISTED NOT NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_AtomEmbedding PRIMARY KEY (AtomEmbeddingId),
    CONSTRAINT UQ_AtomEmbedding_SourceModel UNIQUE (SourceAtomId, ModelId),
    -- FIX: tenant-scoped foreign key to the embedded atom.
    CONSTRAINT FK_AtomEmbedding_SourceAtom FOREIGN KEY (TenantId, SourceAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId) ON DELETE CASCADE,
    CONSTRAINT FK_AtomEmbedding_Model FOREIGN KEY (ModelId) REFERENCES dbo.Model (ModelId),
    CONSTRAINT CK_AtomEmbedding_Dimensions CHECK (Dimensions > 0),
    CONSTRAINT CK_AtomEmbedding_Bytes CHECK (DATALENGTH(EmbeddingBytes) = 4 * Dimensions)
);

CREATE SPATIAL INDEX SIX_AtomEmbedding_Semantic ON dbo.AtomEmbedding (SpatialKey)
    USING GEOMETRY_GRID
    WITH (BOUNDING_BOX = (-100, -100, 100, 100), GRIDS = (HIGH, HIGH, HIGH, HIGH));

-- FIX: no vector index. The reference's "CREATE VECTOR INDEX ... WITH (METRIC = 'cosine',
-- LISTS = 1000)" is not SQL Server 2025 syntax (it is TYPE = 'DiskANN'), and on SQL Server 2025 a
-- DiskANN vector index makes its table read-only. Approximate nearest-neighbour search lives in
-- the search-service's own index, rebuilt from EmbeddingBytes.

CREATE INDEX IX_AtomEmbedding_Buckets
    ON dbo.AtomEmbedding (TenantId, SpatialBucketX, SpatialBucketY, SpatialBucketZ) INCLUDE (ModelId, SourceAtomId);

CREATE INDEX IX_AtomEmbedding_Hilbert
    ON dbo.AtomEmbedding (TenantId, ModelId, HilbertValue) INCLUDE (SourceAtomId);

CREATE TABLE dbo.AtomEmbeddingComponent (
    ComponentId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    SourceAtomId BIGINT NOT NULL,
    DimensionIndex SMALLINT NOT NULL,
    DimensionAtomId BIGINT NOT NULL,
    ModelId INT NOT NULL,
    -- Portable value of the dimension (the float32 that DimensionAtomId stands for).
    ComponentValue REAL NOT NULL,
    -- SQL Server only: Point(value, index) for the dimension-space spatial index.
    SpatialKey GEOMETRY NULL,
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

CREATE SPATIAL INDEX SIX_AtomEmbeddingComponent_Dim ON dbo.AtomEmbeddingComponent (SpatialKey)
    WITH (BOUNDING_BOX = (-10, 0, 10, 1536));

-- FIX: the reference filters on ABS(CAST(DimensionAtomId AS REAL)) > 0.001, i.e. on an id cast to
-- REAL, and filtered indexes cannot use functions anyway. Filter on the value itself.
CREATE INDEX IX_Component_NonZero
    ON dbo.AtomEmbeddingComponent (ModelId, DimensionIndex) INCLUDE (ComponentValue)
    WHERE ComponentValue <> 0;

CREATE INDEX IX_AtomEmbeddingComponent_DimensionAtom ON dbo.AtomEmbeddingComponent (TenantId, DimensionAtomId);
GO

-- =====================================================================================
-- dbo.IngestionJob
-- =====================================================================================

CREATE TABLE dbo.IngestionJob (
    JobId UNIQUEIDENTIFIER NOT NULL DEFAULT NEWID(),
    TenantId INT NOT NULL,
    FileName NVARCHAR(500) NOT NULL,
    ContentType NVARCHAR(255) NULL,
    JobStatus NVARCHAR(50) NOT NULL DEFAULT 'Pending',
    AtomChunkSize INT NOT NULL DEFAULT 10000,
    CurrentAtomOffset BIGINT NOT NULL DEFAULT 0,
    TotalAtomsProcessed BIGINT NOT NULL DEFAULT 0,
    AtomQuota BIGINT NOT NULL DEFAULT 5000000000,
    ErrorMessage NVARCHAR(MAX) NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    StartedAt DATETIME2 NULL,
    CompletedAt DATETIME2 NULL,
    -- Last progress write (heartbeat of a resumable job).
    UpdatedAt DATETIME2 NULL,
    CONSTRAINT PK_IngestionJob PRIMARY KEY (JobId)
);

CREATE INDEX IX_IngestionJob_Status ON dbo.IngestionJob (JobStatus, CreatedAt);

CREATE INDEX IX_IngestionJob_Tenant ON dbo.IngestionJob (TenantId, JobStatus);
GO

-- =====================================================================================
-- OODA loop: dbo.LearningMetrics, dbo.PendingActions, dbo.AutonomousImprovementHistory
-- =====================================================================================

CREATE TABLE dbo.LearningMetrics (
    MetricId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    AnalysisType NVARCHAR(100) NOT NULL,
    ObservationsJson NVARCHAR(MAX) NOT NULL,
    AnomaliesDetected INT NOT NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_LearningMetrics PRIMARY KEY (MetricId)
);

CREATE INDEX IX_LearningMetrics_Tenant ON dbo.LearningMetrics (TenantId, CreatedAt);

CREATE TABLE dbo.PendingActions (
    ActionId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    ActionType NVARCHAR(100) NOT NULL,
    TargetObject NVARCHAR(500) NOT NULL,
    -- FIX: the reference says "T-SQL to execute". It holds the JSON parameters of a typed action
    -- from the ooda-service's catalogue (ActionType names the action) and is never executed as SQL.
    ActionCommand NVARCHAR(MAX) NOT NULL,
    ExpectedImprovement NVARCHAR(500) NULL,
    ApprovalScore DECIMAL(3,2) NOT NULL,
    Status NVARCHAR(50) NOT NULL DEFAULT 'Pending',
    ExecutedAt DATETIME2 NULL,
    ErrorMessage NVARCHAR(MAX) NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_PendingActions PRIMARY KEY (ActionId),
    -- FIX: the reference documents 0.00-1.00 but does not enforce it.
    CONSTRAINT CK_PendingActions_ApprovalScore CHECK (ApprovalScore BETWEEN 0 AND 1)
);

CREATE INDEX IX_PendingActions_TenantStatus ON dbo.PendingActions (TenantId, Status, CreatedAt);

CREATE TABLE dbo.AutonomousImprovementHistory (
    ImprovementId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    ActionType NVARCHAR(100) NOT NULL,
    TargetObject NVARCHAR(500) NOT NULL,
    -- The JSON parameters of the typed action that ran (see PendingActions.ActionCommand).
    ActionCommand NVARCHAR(MAX) NOT NULL,
    Status NVARCHAR(50) NOT NULL,
    DurationMs INT NULL,
    ResultJson NVARCHAR(MAX) NULL,
    ActualImprovement DECIMAL(5,2) NULL,
    ErrorMessage NVARCHAR(MAX) NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_AutonomousImprovementHistory PRIMARY KEY (ImprovementId)
);

CREATE INDEX IX_AutonomousImprovementHistory_Tenant ON dbo.AutonomousImprovementHistory (TenantId, CreatedAt);
GO

-- =====================================================================================
-- provenance.Concepts, provenance.AtomConcepts
-- =====================================================================================

CREATE TABLE provenance.Concepts (
    ConceptId BIGINT IDENTITY(1,1) NOT NULL,
    -- FIX: the reference has no tenant on discovered concepts.
    TenantId INT NOT NULL,
    ConceptName NVARCHAR(255) NOT NULL,
    -- SQL Server only: GEOMETRY mirrors of DomainWkt and of the centroid columns.
    ConceptDomain GEOMETRY NULL,
    CentroidSpatialKey GEOMETRY NULL,
    CentroidX FLOAT NULL,
    CentroidY FLOAT NULL,
    CentroidZ FLOAT NULL,
    DomainWkt NVARCHAR(MAX) NULL,
    DiscoveryMethod NVARCHAR(100) NULL,
    CoherenceScore DECIMAL(5,4) NULL,
    SeparationScore DECIMAL(5,4) NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_ProvenanceConcepts PRIMARY KEY (ConceptId)
);

CREATE INDEX IX_ProvenanceConcepts_Tenant ON provenance.Concepts (TenantId);

-- FIX: GEOMETRY spatial indexes need a BOUNDING_BOX, which the reference omits.
CREATE SPATIAL INDEX SIX_ProvenanceConcepts_Domain ON provenance.Concepts (ConceptDomain)
    WITH (BOUNDING_BOX = (-100, -100, 100, 100));

CREATE SPATIAL INDEX SIX_ProvenanceConcepts_Centroid ON provenance.Concepts (CentroidSpatialKey)
    WITH (BOUNDING_BOX = (-100, -100, 100, 100));

CREATE TABLE provenance.AtomConcepts (
    AtomId BIGINT NOT NULL,
    ConceptId BIGINT NOT NULL,
    MembershipScore DECIMAL(5,4) NULL,
    AssignedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_AtomConcepts PRIMARY KEY (AtomId, ConceptId),
    CONSTRAINT FK_AtomConcepts_Atom FOREIGN KEY (AtomId) REFERENCES dbo.Atom (AtomId) ON DELETE CASCADE,
    CONSTRAINT FK_AtomConcepts_Concept FOREIGN KEY (ConceptId) REFERENCES provenance.Concepts (ConceptId),
    -- FIX: the reference documents 0.0-1.0 but does not enforce it.
    CONSTRAINT CK_AtomConcepts_MembershipScore CHECK (MembershipScore BETWEEN 0 AND 1)
);

CREATE INDEX IX_AtomConcepts_Concept ON provenance.AtomConcepts (ConceptId);
GO

-- =====================================================================================
-- graph: NODE / EDGE mirrors of atoms and relations for MATCH queries
-- =====================================================================================

CREATE TABLE graph.AtomNode (
    TenantId INT NOT NULL,
    AtomId BIGINT NOT NULL,
    Modality VARCHAR(50) NOT NULL,
    CONSTRAINT UQ_AtomNode_AtomId UNIQUE (AtomId),
    CONSTRAINT UQ_AtomNode_TenantAtom UNIQUE (TenantId, AtomId),
    CONSTRAINT FK_AtomNode_Atom FOREIGN KEY (TenantId, AtomId) REFERENCES dbo.Atom (TenantId, AtomId) ON DELETE CASCADE
) AS NODE;

-- $from_id / $to_id are the graph pseudo-columns; the connection constraint keeps edges between
-- atom nodes and removes them with their nodes.
CREATE TABLE graph.AtomEdge (
    TenantId INT NOT NULL,
    RelationType NVARCHAR(128) NOT NULL,
    Weight REAL NULL,
    CONSTRAINT EC_AtomEdge_AtomNode CONNECTION (graph.AtomNode TO graph.AtomNode) ON DELETE CASCADE
) AS EDGE;

CREATE INDEX IX_AtomEdge_From ON graph.AtomEdge ($from_id, $to_id);

CREATE INDEX IX_AtomEdge_To ON graph.AtomEdge ($to_id, $from_id);
GO
