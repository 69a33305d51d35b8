-- search-service writes dbo.AtomEmbeddingComponent (opt-in, hartonomous.search.embedding-components.enabled)
-- (SQL Server). Same model as postgresql/V10__embedding_component_value.sql: DimensionAtomId becomes
-- optional (see there). A column in a foreign key or an index cannot change: both are dropped
-- and made again around the change.
ALTER TABLE dbo.AtomEmbeddingComponent DROP CONSTRAINT FK_AtomEmbeddingComponent_DimensionAtom;
DROP INDEX IX_AtomEmbeddingComponent_DimensionAtom ON dbo.AtomEmbeddingComponent;
ALTER TABLE dbo.AtomEmbeddingComponent ALTER COLUMN DimensionAtomId BIGINT NULL;
CREATE INDEX IX_AtomEmbeddingComponent_DimensionAtom ON dbo.AtomEmbeddingComponent (TenantId, DimensionAtomId);
ALTER TABLE dbo.AtomEmbeddingComponent ADD CONSTRAINT FK_AtomEmbeddingComponent_DimensionAtom
    FOREIGN KEY (TenantId, DimensionAtomId) REFERENCES dbo.Atom (TenantId, AtomId);
