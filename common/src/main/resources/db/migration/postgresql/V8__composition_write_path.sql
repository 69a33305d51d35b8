-- =====================================================================================
-- The write path of composition edges (PostgreSQL only; SQL Server checks foreign keys with a
-- set-based join inside the insert plan and keeps its constraints).
--
-- Measured (IngestBench with -Dbench.statements=true, and 120,000 edges inserted by one
-- INSERT … SELECT on an embedded PostgreSQL 18): the two row-level foreign-key checks of
-- dbo.AtomComposition — per edge and side an index probe plus a FOR KEY SHARE lock written into
-- the dbo.Atom row — took three quarters of the time of inserting an edge (13.6 s with them,
-- 3.5 s without). They become statement-level constraint triggers that check all the rows of a
-- statement with one anti-join: the same guarantee (both ends of an edge are atoms of the edge's
-- tenant; deleting a parent deletes its edges; an atom still used as a component cannot be
-- deleted) at a set-based cost. Atoms are only deleted by the garbage collector, which holds the
-- tenant's atom lock, so dropping the row locks opens no race with the service's writers.
-- =====================================================================================

ALTER TABLE dbo.AtomComposition DROP CONSTRAINT FK_AtomComposition_Parent;
ALTER TABLE dbo.AtomComposition DROP CONSTRAINT FK_AtomComposition_Component;

CREATE FUNCTION dbo.AtomCompositionEndsExist() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_edges n
               WHERE NOT EXISTS (SELECT 1 FROM dbo.Atom a
                                 WHERE a.TenantId = n.TenantId AND a.ContentHash = n.ParentAtomHash)) THEN
        RAISE EXCEPTION 'insert or update on table "atomcomposition" violates foreign key constraint "fk_atomcomposition_parent"'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = 'The parent of an edge must be an atom of the edge''s tenant.';
    END IF;
    IF EXISTS (SELECT 1 FROM new_edges n
               WHERE NOT EXISTS (SELECT 1 FROM dbo.Atom a
                                 WHERE a.TenantId = n.TenantId AND a.ContentHash = n.ComponentAtomHash)) THEN
        RAISE EXCEPTION 'insert or update on table "atomcomposition" violates foreign key constraint "fk_atomcomposition_component"'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = 'The component of an edge must be an atom of the edge''s tenant.';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER AtomComposition_EndsExist_Insert AFTER INSERT ON dbo.AtomComposition
    REFERENCING NEW TABLE AS new_edges
    FOR EACH STATEMENT EXECUTE FUNCTION dbo.AtomCompositionEndsExist();

CREATE TRIGGER AtomComposition_EndsExist_Update AFTER UPDATE ON dbo.AtomComposition
    REFERENCING NEW TABLE AS new_edges
    FOR EACH STATEMENT EXECUTE FUNCTION dbo.AtomCompositionEndsExist();

-- Deleting atoms: their own edges go with them (the former ON DELETE CASCADE of the parent key);
-- an atom some edge still uses as a component cannot go (the former restriction).
CREATE FUNCTION dbo.AtomDeleteEdges() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM dbo.AtomComposition c
    USING deleted_atoms d
    WHERE c.TenantId = d.TenantId AND c.ParentAtomHash = d.ContentHash;
    IF EXISTS (SELECT 1 FROM dbo.AtomComposition c
               JOIN deleted_atoms d ON c.TenantId = d.TenantId AND c.ComponentAtomHash = d.ContentHash) THEN
        RAISE EXCEPTION 'update or delete on table "atom" violates foreign key constraint "fk_atomcomposition_component" on table "atomcomposition"'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = 'An atom still used as a component cannot be deleted.';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER Atom_DeleteEdges AFTER DELETE ON dbo.Atom
    REFERENCING OLD TABLE AS deleted_atoms
    FOR EACH STATEMENT EXECUTE FUNCTION dbo.AtomDeleteEdges();

-- Text, code and most edges carry no position: index only the positioned ones (the Hilbert
-- locality scans never look for NULL), one index write less per unpositioned edge.
DROP INDEX dbo.IX_AtomComposition_Hilbert;
CREATE INDEX IX_AtomComposition_Hilbert ON dbo.AtomComposition (TenantId, PositionM) WHERE PositionM IS NOT NULL;
