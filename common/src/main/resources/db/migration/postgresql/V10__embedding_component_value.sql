-- search-service writes dbo.AtomEmbeddingComponent (opt-in, hartonomous.search.embedding-components.enabled)
-- (PostgreSQL). Same model as sqlserver/V10__embedding_component_value.sql.
-- FIX: DimensionAtomId was required, i.e. every float32 of every vector had to be an atom. Atoms
-- belong to atom-service, and a value atom pinned by nothing would be collected (or, kept by this
-- foreign key, would block collection). The value lives in ComponentValue; DimensionAtomId stays
-- for a value stored as an atom, now optional.
ALTER TABLE dbo.AtomEmbeddingComponent ALTER COLUMN DimensionAtomId DROP NOT NULL;
