-- dbo.AtomComposition is keyed by the edge's natural key (SQL Server; same model as
-- postgresql/V14__composition_natural_key.sql): the surrogate AtomCompositionId, which nothing
-- reads or references, goes. The clustered primary key becomes (TenantId, ParentAtomHash,
-- SequenceIndex): reconstruction reads a parent's components as one range in sequence order,
-- and the spatial index still has the clustered primary key it requires. The spatial and
-- columnstore indexes depend on the clustered index: they are dropped first and built again.
DROP INDEX SIX_AtomComposition_Position ON dbo.AtomComposition;
DROP INDEX CIX_AtomComposition ON dbo.AtomComposition;
DROP INDEX UX_AtomComposition_ParentSequence ON dbo.AtomComposition;
ALTER TABLE dbo.AtomComposition DROP CONSTRAINT PK_AtomComposition;
ALTER TABLE dbo.AtomComposition DROP COLUMN AtomCompositionId;
ALTER TABLE dbo.AtomComposition ADD CONSTRAINT PK_AtomComposition PRIMARY KEY CLUSTERED (TenantId, ParentAtomHash, SequenceIndex);
CREATE SPATIAL INDEX SIX_AtomComposition_Position ON dbo.AtomComposition (Position)
    WITH (BOUNDING_BOX = (0, 0, 10000, 10000));
CREATE NONCLUSTERED COLUMNSTORE INDEX CIX_AtomComposition
    ON dbo.AtomComposition (TenantId, ParentAtomHash, ComponentAtomHash, SequenceIndex, PositionM);
