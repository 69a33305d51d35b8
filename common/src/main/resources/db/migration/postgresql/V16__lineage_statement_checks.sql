-- =====================================================================================
-- The keys of a job's lineage rows are checked per statement (PostgreSQL only, like V8; SQL
-- Server checks foreign keys with a set-based join inside the insert plan and keeps its
-- constraints).
--
-- Measured (IngestBench, server log with log_min_duration_statement=0, five requests each):
-- pinning 829 known files by hash in one request spent a third of its transaction in row-level
-- foreign-key checks of its lineage rows — per row and key an index probe through SPI and a FOR KEY
-- SHARE lock written into the referenced row: provenance.Used 17-19 ms and WasDerivedFrom 19-20 ms
-- (two keys each), WasGeneratedBy 10-11 ms, of a 110-145 ms transaction. Checked per statement:
-- 6-10, 8-11 and 5-9 ms, the transaction 83-108 ms. The keys become statement-level constraint
-- triggers that check the distinct keys of a statement's rows with one anti-join each: the same
-- guarantee (a lineage row names an activity and an entity of its tenant; neither can be deleted
-- or re-keyed while named) at a set-based cost. A one-row statement (a file sent alone) pays about
-- 0.05 ms more for the trigger than for the row-level check. The service never deletes activities
-- or entities, so dropping the row locks opens no race with its writers.
--
-- dbo.AtomRoot keeps its foreign key: checked per statement, 829 pins took 13-23 ms instead of
-- 17-29 ms, within this machine's noise, and every file sent alone would pay the trigger.
-- =====================================================================================

ALTER TABLE provenance.Used DROP CONSTRAINT FK_Used_Activity;
ALTER TABLE provenance.Used DROP CONSTRAINT FK_Used_Entity;
ALTER TABLE provenance.WasGeneratedBy DROP CONSTRAINT FK_WasGeneratedBy_Activity;
ALTER TABLE provenance.WasDerivedFrom DROP CONSTRAINT FK_WasDerivedFrom_Entity;
ALTER TABLE provenance.WasDerivedFrom DROP CONSTRAINT FK_WasDerivedFrom_Activity;

-- ------------------------------------------------- lineage rows name activities and entities

CREATE FUNCTION provenance.LineageKeysExist() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    tbl TEXT := lower(TG_TABLE_NAME);
BEGIN
    -- every row names an activity (ActivityId may be NULL in WasDerivedFrom: not checked, as with MATCH SIMPLE)
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT TenantId, ActivityId FROM new_rows WHERE ActivityId IS NOT NULL) n
               WHERE NOT EXISTS (SELECT 1 FROM provenance.Activity a
                                 WHERE a.TenantId = n.TenantId AND a.ActivityId = n.ActivityId)) THEN
        RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "fk_%_activity"', tbl, tbl
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = 'A lineage row must name an activity of its tenant.';
    END IF;
    IF tbl = 'used' THEN
        IF EXISTS (SELECT 1 FROM (SELECT DISTINCT TenantId, EntityId FROM new_rows) n
                   WHERE NOT EXISTS (SELECT 1 FROM provenance.Entity e
                                     WHERE e.TenantId = n.TenantId AND e.EntityId = n.EntityId)) THEN
            RAISE EXCEPTION 'insert or update on table "used" violates foreign key constraint "fk_used_entity"'
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = 'A lineage row must name an entity of its tenant.';
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

-- WasDerivedFrom's entity is optional (NULL when it derives from an atom): its own function, so the
-- column is named statically
CREATE FUNCTION provenance.DerivationEntityExists() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT TenantId, UsedEntityId FROM new_rows WHERE UsedEntityId IS NOT NULL) n
               WHERE NOT EXISTS (SELECT 1 FROM provenance.Entity e
                                 WHERE e.TenantId = n.TenantId AND e.EntityId = n.UsedEntityId)) THEN
        RAISE EXCEPTION 'insert or update on table "wasderivedfrom" violates foreign key constraint "fk_wasderivedfrom_entity"'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = 'A lineage row must name an entity of its tenant.';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER Used_KeysExist_Insert AFTER INSERT ON provenance.Used
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION provenance.LineageKeysExist();
CREATE TRIGGER Used_KeysExist_Update AFTER UPDATE ON provenance.Used
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION provenance.LineageKeysExist();
CREATE TRIGGER WasGeneratedBy_KeysExist_Insert AFTER INSERT ON provenance.WasGeneratedBy
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION provenance.LineageKeysExist();
CREATE TRIGGER WasGeneratedBy_KeysExist_Update AFTER UPDATE ON provenance.WasGeneratedBy
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION provenance.LineageKeysExist();
CREATE TRIGGER WasDerivedFrom_KeysExist_Insert AFTER INSERT ON provenance.WasDerivedFrom
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION provenance.LineageKeysExist();
CREATE TRIGGER WasDerivedFrom_KeysExist_Update AFTER UPDATE ON provenance.WasDerivedFrom
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION provenance.LineageKeysExist();
CREATE TRIGGER WasDerivedFrom_EntityExists_Insert AFTER INSERT ON provenance.WasDerivedFrom
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION provenance.DerivationEntityExists();
CREATE TRIGGER WasDerivedFrom_EntityExists_Update AFTER UPDATE ON provenance.WasDerivedFrom
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION provenance.DerivationEntityExists();

-- an activity or entity still named by a lineage row can be neither deleted nor re-keyed (the former
-- restrictions). Row-level and limited to the key columns: the service never deletes them, and
-- ending an activity (UPDATE … SET EndedAt) does not fire these.
CREATE FUNCTION provenance.ActivityStillNamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP = 'DELETE' OR (OLD.TenantId, OLD.ActivityId) IS DISTINCT FROM (NEW.TenantId, NEW.ActivityId))
       AND (EXISTS (SELECT 1 FROM provenance.Used u WHERE u.TenantId = OLD.TenantId AND u.ActivityId = OLD.ActivityId)
            OR EXISTS (SELECT 1 FROM provenance.WasGeneratedBy g WHERE g.TenantId = OLD.TenantId AND g.ActivityId = OLD.ActivityId)
            OR EXISTS (SELECT 1 FROM provenance.WasDerivedFrom w WHERE w.TenantId = OLD.TenantId AND w.ActivityId = OLD.ActivityId)) THEN
        RAISE EXCEPTION 'update or delete on table "activity" violates a foreign key constraint of its lineage rows'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = 'An activity that lineage rows name cannot be deleted or re-keyed.';
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION provenance.EntityStillNamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP = 'DELETE' OR (OLD.TenantId, OLD.EntityId) IS DISTINCT FROM (NEW.TenantId, NEW.EntityId))
       AND (EXISTS (SELECT 1 FROM provenance.Used u WHERE u.TenantId = OLD.TenantId AND u.EntityId = OLD.EntityId)
            OR EXISTS (SELECT 1 FROM provenance.WasDerivedFrom w WHERE w.TenantId = OLD.TenantId AND w.UsedEntityId = OLD.EntityId)) THEN
        RAISE EXCEPTION 'update or delete on table "entity" violates a foreign key constraint of its lineage rows'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = 'An entity that lineage rows name cannot be deleted or re-keyed.';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER Activity_StillNamed AFTER DELETE OR UPDATE OF TenantId, ActivityId ON provenance.Activity
    FOR EACH ROW EXECUTE FUNCTION provenance.ActivityStillNamed();
CREATE TRIGGER Entity_StillNamed AFTER DELETE OR UPDATE OF TenantId, EntityId ON provenance.Entity
    FOR EACH ROW EXECUTE FUNCTION provenance.EntityStillNamed();
