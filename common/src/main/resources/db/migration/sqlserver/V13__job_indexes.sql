-- The sweep of finished jobs with unacknowledged usage (SQL Server; see
-- postgresql/V13__job_indexes.sql). A filtered index cannot test an NVARCHAR(MAX)
-- column: the index covers finished jobs by status and time, the sweep filters the rest.
CREATE INDEX IX_IngestionJob_Unreported ON dbo.IngestionJob (JobStatus, UpdatedAt)
    WHERE JobStatus IN ('Completed', 'Failed', 'QuotaExceeded');

-- The pending sets of a tenant's unfinished jobs, read by every ingestion chunk (see postgresql/V13).
CREATE INDEX IX_IngestionJob_Unfinished ON dbo.IngestionJob (TenantId)
    WHERE JobStatus IN ('Pending', 'Processing');
