package io.hartonomous.atom.ingest;

/** The reference's job states, spelled as stored. */
public enum JobStatus {
    Pending, Processing, Completed, Failed, QuotaExceeded;

    public boolean finished() {
        return this == Completed || this == Failed || this == QuotaExceeded;
    }
}
