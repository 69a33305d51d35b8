-- A job may pin the same content under several names (SQL Server; same model as
-- postgresql/V12__root_pin_names.sql): one pin per job, root and name.
DROP INDEX UX_AtomRoot_Job ON dbo.AtomRoot;
CREATE UNIQUE INDEX UX_AtomRoot_Job ON dbo.AtomRoot (JobId, RootHash, SourceName) WHERE JobId IS NOT NULL;
