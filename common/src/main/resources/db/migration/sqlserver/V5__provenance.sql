-- atom-service: W3C PROV lineage of ingestions, relation identity, atom history lookup (SQL Server).
-- Same model as postgresql/V5__provenance.sql.
--
-- The reference counts 8 tables in the provenance schema but shows only provenance.Concepts and
-- provenance.AtomConcepts (V1). These are the PROV-DM core (https://www.w3.org/TR/prov-dm/):
-- Activity (an ingestion job run), Agent (who asked for it), Entity (the source it used), and the
-- relations wasGeneratedBy (atom ← activity), used (activity → source), wasAssociatedWith
-- (activity → agent) and wasDerivedFrom (atom ← atom or source).
--
-- Every row carries TenantId and every foreign key includes it, so lineage can never join two
-- tenants. Atoms are named by ContentHash without a foreign key to dbo.Atom: the audit trail
-- outlives garbage collection of the atoms it names (a deleted atom's lineage stays answerable).

-- Target for the tenant-scoped foreign key from provenance.Activity.
ALTER TABLE dbo.IngestionJob ADD CONSTRAINT UQ_IngestionJob_TenantJob UNIQUE (TenantId, JobId);

CREATE TABLE provenance.Agent (
    AgentId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    -- 'user' (a person's token) or 'service' (a suite service acting for the tenant).
    AgentKind VARCHAR(20) NOT NULL,
    -- The token's subject (sub / upn claim).
    Subject NVARCHAR(255) NOT NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_Agent PRIMARY KEY (AgentId),
    CONSTRAINT UQ_Agent_TenantAgent UNIQUE (TenantId, AgentId),
    CONSTRAINT UQ_Agent_TenantSubject UNIQUE (TenantId, AgentKind, Subject),
    CONSTRAINT CK_Agent_Kind CHECK (AgentKind IN ('user', 'service'))
);

CREATE TABLE provenance.Activity (
    ActivityId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    -- The ingestion job this activity is the run of (NULL for activities without a job).
    JobId UNIQUEIDENTIFIER NULL,
    ActivityType VARCHAR(50) NOT NULL,
    StartedAt DATETIME2 NOT NULL,
    EndedAt DATETIME2 NULL,
    CONSTRAINT PK_Activity PRIMARY KEY (ActivityId),
    CONSTRAINT UQ_Activity_TenantActivity UNIQUE (TenantId, ActivityId),
    CONSTRAINT FK_Activity_Job FOREIGN KEY (TenantId, JobId) REFERENCES dbo.IngestionJob (TenantId, JobId),
    CONSTRAINT CK_Activity_Period CHECK (EndedAt IS NULL OR EndedAt >= StartedAt)
);

-- One activity per job.
CREATE UNIQUE INDEX UX_Activity_Job ON provenance.Activity (TenantId, JobId) WHERE JobId IS NOT NULL;

CREATE TABLE provenance.Entity (
    EntityId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    -- A source as it was given: its name, its SHA-256 (= the hash of the atom that rebuilds it),
    -- size and media type.
    SourceName NVARCHAR(500) NOT NULL,
    ContentHash BINARY(32) NOT NULL,
    ContentLength BIGINT NOT NULL,
    MediaType NVARCHAR(255) NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME(),
    CONSTRAINT PK_Entity PRIMARY KEY (EntityId),
    CONSTRAINT UQ_Entity_TenantEntity UNIQUE (TenantId, EntityId),
    CONSTRAINT CK_Entity_ContentLength CHECK (ContentLength >= 0)
);

CREATE INDEX IX_Entity_TenantHash ON provenance.Entity (TenantId, ContentHash);

CREATE TABLE provenance.Used (
    TenantId INT NOT NULL,
    ActivityId BIGINT NOT NULL,
    EntityId BIGINT NOT NULL,
    UsedRole VARCHAR(50) NOT NULL,
    UsedAt DATETIME2 NOT NULL,
    CONSTRAINT PK_Used PRIMARY KEY (TenantId, ActivityId, EntityId),
    CONSTRAINT FK_Used_Activity FOREIGN KEY (TenantId, ActivityId) REFERENCES provenance.Activity (TenantId, ActivityId),
    CONSTRAINT FK_Used_Entity FOREIGN KEY (TenantId, EntityId) REFERENCES provenance.Entity (TenantId, EntityId)
);

CREATE INDEX IX_Used_Entity ON provenance.Used (TenantId, EntityId);

CREATE TABLE provenance.WasGeneratedBy (
    TenantId INT NOT NULL,
    ActivityId BIGINT NOT NULL,
    AtomHash BINARY(32) NOT NULL,
    -- 'root' for the ingested file's atom, else the relation type of a derived view (e.g. 'decodes_to').
    GeneratedRole VARCHAR(128) NOT NULL,
    GeneratedAt DATETIME2 NOT NULL,
    CONSTRAINT PK_WasGeneratedBy PRIMARY KEY (TenantId, ActivityId, AtomHash),
    CONSTRAINT FK_WasGeneratedBy_Activity FOREIGN KEY (TenantId, ActivityId)
        REFERENCES provenance.Activity (TenantId, ActivityId)
);

CREATE INDEX IX_WasGeneratedBy_Atom ON provenance.WasGeneratedBy (TenantId, AtomHash);

CREATE TABLE provenance.WasAssociatedWith (
    TenantId INT NOT NULL,
    ActivityId BIGINT NOT NULL,
    AgentId BIGINT NOT NULL,
    AgentRole VARCHAR(50) NOT NULL,
    CONSTRAINT PK_WasAssociatedWith PRIMARY KEY (TenantId, ActivityId, AgentId),
    CONSTRAINT FK_WasAssociatedWith_Activity FOREIGN KEY (TenantId, ActivityId)
        REFERENCES provenance.Activity (TenantId, ActivityId),
    CONSTRAINT FK_WasAssociatedWith_Agent FOREIGN KEY (TenantId, AgentId) REFERENCES provenance.Agent (TenantId, AgentId)
);

CREATE TABLE provenance.WasDerivedFrom (
    DerivationId BIGINT IDENTITY(1,1) NOT NULL,
    TenantId INT NOT NULL,
    GeneratedHash BINARY(32) NOT NULL,
    -- What it was derived from: an atom, or a source entity (exactly one of the two).
    UsedHash BINARY(32) NULL,
    UsedEntityId BIGINT NULL,
    -- The activity that performed the derivation, when known.
    ActivityId BIGINT NULL,
    -- 'ingestion' (atom from its source) or a relation type ('decodes_to', 'derives_from').
    DerivationType VARCHAR(128) NOT NULL,
    RecordedAt DATETIME2 NOT NULL,
    CONSTRAINT PK_WasDerivedFrom PRIMARY KEY (DerivationId),
    CONSTRAINT FK_WasDerivedFrom_Entity FOREIGN KEY (TenantId, UsedEntityId)
        REFERENCES provenance.Entity (TenantId, EntityId),
    CONSTRAINT FK_WasDerivedFrom_Activity FOREIGN KEY (TenantId, ActivityId)
        REFERENCES provenance.Activity (TenantId, ActivityId),
    CONSTRAINT CK_WasDerivedFrom_OneUsed CHECK ((UsedHash IS NULL AND UsedEntityId IS NOT NULL)
                                                OR (UsedHash IS NOT NULL AND UsedEntityId IS NULL))
);

CREATE INDEX IX_WasDerivedFrom_Generated ON provenance.WasDerivedFrom (TenantId, GeneratedHash);

CREATE INDEX IX_WasDerivedFrom_Used ON provenance.WasDerivedFrom (TenantId, UsedHash);

-- A relation is identified by its ends and type: creating it again finds the existing one
-- (POST /api/v1/relations is idempotent) and concurrent creators cannot both insert it.
CREATE UNIQUE INDEX UX_AtomRelation_Key ON dbo.AtomRelation (TenantId, SourceAtomId, TargetAtomId, RelationType);

-- GET /api/v1/atoms/{hash}/history reads an atom's past versions by tenant and hash.
CREATE INDEX IX_AtomHistory_TenantHash ON dbo.AtomHistory (TenantId, ContentHash);

-- GET /api/v1/roots lists a tenant's pins newest first.
CREATE INDEX IX_AtomRoot_TenantPinned ON dbo.AtomRoot (TenantId, PinnedAt);
