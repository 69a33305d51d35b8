-- The sweep of finished jobs with unacknowledged usage (SQL Server; see
-- postgresql/V13__unreported_usage_index.sql). A filtered index cannot test an NVARCHAR(MAX)
-- column: the index covers finished jobs by status and time, the sweep filters the rest.
CREATE INDEX IX_IngestionJob_Unreported ON dbo.IngestionJob (JobStatus, UpdatedAt)
    WHERE JobStatus IN ('Completed', 'Failed', 'QuotaExceeded');
