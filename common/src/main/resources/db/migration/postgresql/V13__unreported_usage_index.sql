-- =====================================================================================
-- atom-service sweeps finished jobs whose usage billing never acknowledged (the process died
-- between a job's final commit and its report): few rows among all finished jobs, found by a
-- partial index instead of a scan of every finished job.
-- =====================================================================================

CREATE INDEX IX_IngestionJob_Unreported ON dbo.IngestionJob (UpdatedAt)
    WHERE UnreportedUsage IS NOT NULL AND JobStatus IN ('Completed', 'Failed', 'QuotaExceeded');
