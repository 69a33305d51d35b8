-- =====================================================================================
-- atom-service sweeps finished jobs whose usage billing never acknowledged (the process died
-- between a job's final commit and its report): few rows among all finished jobs, found by a
-- partial index instead of a scan of every finished job.
-- =====================================================================================

CREATE INDEX IX_IngestionJob_Unreported ON dbo.IngestionJob (UpdatedAt)
    WHERE UnreportedUsage IS NOT NULL AND JobStatus IN ('Completed', 'Failed', 'QuotaExceeded');

-- (V13 also) Every ingestion chunk reads the pending sets of the tenant's other unfinished jobs: a handful of
-- rows among all of the tenant's jobs, most of them finished and updated several times each.
CREATE INDEX IX_IngestionJob_Unfinished ON dbo.IngestionJob (TenantId)
    WHERE JobStatus IN ('Pending', 'Processing');
