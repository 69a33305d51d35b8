-- =====================================================================================
-- A job may pin the same content under several names (two files of a batch or an archive with
-- identical bytes): one pin per job, root and name. A retried final chunk still cannot pin twice
-- (its pins repeat job, root and name).
-- =====================================================================================

DROP INDEX dbo.UX_AtomRoot_Job;
CREATE UNIQUE INDEX UX_AtomRoot_Job ON dbo.AtomRoot (JobId, RootHash, SourceName);
