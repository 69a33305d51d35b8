-- T-SQL statements of db/migration/sqlserver/*.sql that jsqlparser 5.4 cannot read.
--
-- Checked by SqlServerMigrationParseTest: every statement of the SQL Server migrations either
-- parses (strictly: no UnsupportedStatement, prints back the same text, only real columns) or is
-- listed here verbatim, comments stripped; comparison collapses whitespace and ignores a final ';'.
-- The test also fails for an entry that matches no statement or that parses now.
-- Each entry is a "-- why:" line followed by the statement. Other "--" lines are commentary.
-- "Checked further" names the deeper check the test still runs on the listed statement.

-- why: GENERATED ALWAYS AS ROW START/END, PERIOD FOR SYSTEM_TIME and WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = ...)) (system-versioned temporal table) are unknown to jsqlparser. Checked further: the body parses without them; the period columns and dbo.AtomHistory exist.
CREATE TABLE dbo.Atom (
    AtomId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    ContentHash BINARY(32) NOT NULL,
    AtomicValue VARBINARY(64) NOT NULL,
    ContentLength BIGINT NOT NULL,
    CanonicalText NVARCHAR(MAX) NULL,
    Modality VARCHAR(50) NOT NULL,
    Subtype VARCHAR(50) NULL,
    ContentType VARCHAR(255) NULL,
    Metadata NVARCHAR(MAX) NULL,
    ReferenceCount BIGINT NOT NULL DEFAULT 0,
    ConceptId BIGINT NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    LastAccessedUtc DATETIME2 NULL,
    SysStartTime DATETIME2 GENERATED ALWAYS AS ROW START NOT NULL,
    SysEndTime DATETIME2 GENERATED ALWAYS AS ROW END NOT NULL,
    PERIOD FOR SYSTEM_TIME (SysStartTime, SysEndTime),
    CONSTRAINT PK_Atom PRIMARY KEY CLUSTERED (AtomId),
    CONSTRAINT IX_Atom_TenantHash UNIQUE (TenantId, ContentHash),
    CONSTRAINT UQ_Atom_TenantAtom UNIQUE (TenantId, AtomId),
    CONSTRAINT FK_Atom_Concept FOREIGN KEY (TenantId, ConceptId) REFERENCES dbo.Concept (TenantId, ConceptId),
    CONSTRAINT CK_Atom_AtomicValueLength CHECK (DATALENGTH(AtomicValue) BETWEEN 1 AND 64),
    CONSTRAINT CK_Atom_ContentLength CHECK (ContentLength >= DATALENGTH(AtomicValue)),
    CONSTRAINT CK_Atom_ReferenceCount CHECK (ReferenceCount >= 0),
    CONSTRAINT CK_Atom_Metadata CHECK (ISJSON(Metadata) = 1)
)
WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.AtomHistory));

-- why: CREATE NONCLUSTERED COLUMNSTORE INDEX is unknown to jsqlparser. Checked further: parses as a plain CREATE INDEX over the same columns.
CREATE NONCLUSTERED COLUMNSTORE INDEX CIX_AtomComposition
    ON dbo.AtomComposition (TenantId, ParentAtomHash, ComponentAtomHash, SequenceIndex, PositionM);

-- why: Temporal table clauses (GENERATED ALWAYS AS ROW START/END, PERIOD FOR SYSTEM_TIME, WITH (SYSTEM_VERSIONING ...)). Checked further: the body parses without them; the period columns and dbo.AtomRelations_History exist.
CREATE TABLE dbo.AtomRelation (
    AtomRelationId BIGINT IDENTITY(1,1) NOT NULL,
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
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    SysStartTime DATETIME2 GENERATED ALWAYS AS ROW START NOT NULL,
    SysEndTime DATETIME2 GENERATED ALWAYS AS ROW END NOT NULL,
    PERIOD FOR SYSTEM_TIME (SysStartTime, SysEndTime),
    CONSTRAINT PK_AtomRelation PRIMARY KEY (AtomRelationId),
    CONSTRAINT FK_AtomRelation_Source FOREIGN KEY (TenantId, SourceAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId) ON DELETE CASCADE,
    CONSTRAINT FK_AtomRelation_Target FOREIGN KEY (TenantId, TargetAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId),
    CONSTRAINT CK_AtomRelation_Importance CHECK (Importance BETWEEN 0 AND 1),
    CONSTRAINT CK_AtomRelation_Confidence CHECK (Confidence BETWEEN 0 AND 1)
)
WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.AtomRelations_History));

-- why: Temporal table clauses, plus the computed column SpatialKey AS geometry::Point(...) PERSISTED (jsqlparser has no computed columns). Checked further: the body parses without them; the expression parses; dbo.TensorAtomCoefficients_History exists.
CREATE TABLE dbo.TensorAtomCoefficient (
    TensorCoefficientId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    ModelId INT NOT NULL,
    LayerIndex INT NOT NULL,
    PositionX INT NOT NULL,
    PositionY INT NOT NULL,
    PositionZ INT NULL,
    ValueAtomId BIGINT NOT NULL,
    SpatialKey AS geometry::Point(PositionX, PositionY, 0) PERSISTED,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    SysStartTime DATETIME2 GENERATED ALWAYS AS ROW START NOT NULL,
    SysEndTime DATETIME2 GENERATED ALWAYS AS ROW END NOT NULL,
    PERIOD FOR SYSTEM_TIME (SysStartTime, SysEndTime),
    CONSTRAINT PK_TensorAtomCoefficient PRIMARY KEY (TensorCoefficientId),
    CONSTRAINT FK_TensorAtomCoefficient_Model FOREIGN KEY (ModelId) REFERENCES dbo.Model (ModelId),
    CONSTRAINT FK_TensorAtomCoefficient_ValueAtom FOREIGN KEY (TenantId, ValueAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId)
)
WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.TensorAtomCoefficients_History));

-- why: CREATE NONCLUSTERED COLUMNSTORE INDEX is unknown to jsqlparser. Checked further: parses as a plain CREATE INDEX over the same columns.
CREATE NONCLUSTERED COLUMNSTORE INDEX CIX_TensorAtomCoefficient
    ON dbo.TensorAtomCoefficient (TenantId, ModelId, LayerIndex, PositionX, PositionY, PositionZ, ValueAtomId);

-- why: Computed columns (SpatialBucketX/Y/Z AS CAST(...) PERSISTED NOT NULL) are unknown to jsqlparser. Checked further: the body parses without them and each expression parses.
CREATE TABLE dbo.AtomEmbedding (
    AtomEmbeddingId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    SourceAtomId BIGINT NOT NULL,
    ModelId INT NOT NULL,
    EmbeddingBytes VARBINARY(MAX) NOT NULL,
    Dimensions SMALLINT NOT NULL,
    SpatialX FLOAT NOT NULL,
    SpatialY FLOAT NOT NULL,
    SpatialZ FLOAT NOT NULL,
    HilbertValue BIGINT NOT NULL,
    SpatialKey GEOMETRY NULL,
    EmbeddingVector VECTOR(384) NULL,
    SpatialBucketX AS CAST(FLOOR((SpatialX + 100) / 10) AS INT) PERSISTED NOT NULL,
    SpatialBucketY AS CAST(FLOOR((SpatialY + 100) / 10) AS INT) PERSISTED NOT NULL,
    SpatialBucketZ AS CAST(FLOOR((SpatialZ + 100) / 10) AS INT) PERSISTED NOT NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_AtomEmbedding PRIMARY KEY (AtomEmbeddingId),
    CONSTRAINT UQ_AtomEmbedding_SourceModel UNIQUE (SourceAtomId, ModelId),
    CONSTRAINT FK_AtomEmbedding_SourceAtom FOREIGN KEY (TenantId, SourceAtomId)
        REFERENCES dbo.Atom (TenantId, AtomId) ON DELETE CASCADE,
    CONSTRAINT FK_AtomEmbedding_Model FOREIGN KEY (ModelId) REFERENCES dbo.Model (ModelId),
    CONSTRAINT CK_AtomEmbedding_Dimensions CHECK (Dimensions > 0),
    CONSTRAINT CK_AtomEmbedding_Bytes CHECK (DATALENGTH(EmbeddingBytes) = 4 * Dimensions)
);

-- why: USING GEOMETRY_GRID (needed for GRIDS = (...)) is unknown to jsqlparser. Checked further: parses without the USING clause.
CREATE SPATIAL INDEX SIX_AtomEmbedding_Semantic ON dbo.AtomEmbedding (SpatialKey)
    USING GEOMETRY_GRID
    WITH (BOUNDING_BOX = (-100, -100, 100, 100), GRIDS = (HIGH, HIGH, HIGH, HIGH));

-- why: AS NODE (SQL graph node table) is unknown to jsqlparser. Checked further: the body parses without it.
CREATE TABLE graph.AtomNode (
    TenantId INT NOT NULL,
    AtomId BIGINT NOT NULL,
    Modality VARCHAR(50) NOT NULL,
    CONSTRAINT UQ_AtomNode_AtomId UNIQUE (AtomId),
    CONSTRAINT UQ_AtomNode_TenantAtom UNIQUE (TenantId, AtomId),
    CONSTRAINT FK_AtomNode_Atom FOREIGN KEY (TenantId, AtomId) REFERENCES dbo.Atom (TenantId, AtomId) ON DELETE CASCADE
) AS NODE;

-- why: AS EDGE and the edge CONNECTION (... TO ...) constraint are unknown to jsqlparser. Checked further: the body parses without them; graph.AtomNode is created AS NODE.
CREATE TABLE graph.AtomEdge (
    TenantId INT NOT NULL,
    RelationType NVARCHAR(128) NOT NULL,
    Weight REAL NULL,
    CONSTRAINT EC_AtomEdge_AtomNode CONNECTION (graph.AtomNode TO graph.AtomNode) ON DELETE CASCADE
) AS EDGE;

-- why: ALTER DATABASE CURRENT ADD FILEGROUP ... CONTAINS MEMORY_OPTIMIZED_DATA inside the IF block is unknown to jsqlparser (it keeps it as an UnsupportedStatement). Checked further: the IF, its condition, the DECLAREs and EXEC sp_executesql parse; only the ALTER DATABASE is unsupported.
IF NOT EXISTS (SELECT 1 FROM sys.filegroups WHERE type = 'FX')
BEGIN
    ALTER DATABASE CURRENT ADD FILEGROUP Hartonomous_InMemory CONTAINS MEMORY_OPTIMIZED_DATA;
    DECLARE @container NVARCHAR(4000) =
        CAST(SERVERPROPERTY('InstanceDefaultDataPath') AS NVARCHAR(4000)) + DB_NAME() + N'_InMemory';
    DECLARE @addFile NVARCHAR(MAX) =
        N'ALTER DATABASE CURRENT ADD FILE (NAME = N''' + REPLACE(DB_NAME() + N'_InMemory', N'''', N'''''')
        + N''', FILENAME = N''' + REPLACE(@container, N'''', N'''''')
        + N''') TO FILEGROUP Hartonomous_InMemory';
    EXEC sp_executesql @addFile;
END;

-- why: ALTER DATABASE ... SET MEMORY_OPTIMIZED_ELEVATE_TO_SNAPSHOT is unknown to jsqlparser (UnsupportedStatement). No deeper check.
ALTER DATABASE CURRENT SET MEMORY_OPTIMIZED_ELEVATE_TO_SNAPSHOT = ON;

-- why: jsqlparser misreads the inline INDEX IX_Tenant_Time NONCLUSTERED (...) as a column named INDEX of type IX_Tenant_Time (memory-optimized tables declare indexes inline). Checked further: the body parses without the inline index and WITH (MEMORY_OPTIMIZED ...).
CREATE TABLE dbo.BillingUsageLedger_InMemory (
    LedgerId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    OperationType NVARCHAR(100) NOT NULL,
    Quantity BIGINT NOT NULL,
    Timestamp DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_BillingUsageLedger_InMemory PRIMARY KEY NONCLUSTERED (LedgerId),
    INDEX IX_Tenant_Time NONCLUSTERED (TenantId, Timestamp)
)
WITH (MEMORY_OPTIMIZED = ON, DURABILITY = SCHEMA_AND_DATA);

-- why: PRIMARY KEY NONCLUSTERED HASH (...) WITH (BUCKET_COUNT = ...) and the inline INDEX of a memory-optimized table are unknown to jsqlparser. Checked further: the body parses with a plain NONCLUSTERED key and without the inline index and WITH (MEMORY_OPTIMIZED ...).
CREATE TABLE dbo.InferenceCache_InMemory (
    TenantId INT NOT NULL,
    CacheKey BINARY(32) NOT NULL,
    OutputAtomId BIGINT NOT NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    ExpiresAt DATETIME2 NOT NULL,
    CONSTRAINT PK_InferenceCache_InMemory PRIMARY KEY NONCLUSTERED HASH (TenantId, CacheKey)
        WITH (BUCKET_COUNT = 1048576),
    INDEX IX_InferenceCache_InMemory_Expires NONCLUSTERED (ExpiresAt)
)
WITH (MEMORY_OPTIMIZED = ON, DURABILITY = SCHEMA_ONLY);

-- why: CREATE TRIGGER … INSTEAD OF UPDATE, DELETE AS BEGIN THROW …; END (T-SQL trigger body) is unknown to jsqlparser. Makes issued invoices immutable (V3__billing.sql).
CREATE TRIGGER dbo.TR_BillingInvoice_Immutable ON dbo.BillingInvoice INSTEAD OF UPDATE, DELETE AS
BEGIN
    THROW 51000, N'Issued billing documents are immutable: issue a credit note instead.', 1;
END;

-- why: CREATE TRIGGER … INSTEAD OF UPDATE, DELETE AS BEGIN THROW …; END (T-SQL trigger body) is unknown to jsqlparser. Makes issued invoice lines immutable (V3__billing.sql).
CREATE TRIGGER dbo.TR_BillingInvoiceLine_Immutable ON dbo.BillingInvoiceLine INSTEAD OF UPDATE, DELETE AS
BEGIN
    THROW 51000, N'Issued billing documents are immutable: issue a credit note instead.', 1;
END;

-- why: CLUSTERED in ALTER TABLE … ADD CONSTRAINT … PRIMARY KEY is unknown to jsqlparser (it reads PRIMARY KEY (…) without it).
ALTER TABLE dbo.AtomComposition ADD CONSTRAINT PK_AtomComposition PRIMARY KEY CLUSTERED (TenantId, ParentAtomHash, SequenceIndex);
