package io.hartonomous.common.error;

/** The family of an {@link ErrorCode}: what the caller can do about it. */
public enum ErrorCategory {
    /** The request is wrong; retrying it unchanged will fail again. */
    USER,
    /** Missing, invalid or insufficient credentials. */
    AUTH,
    /** A quota or rate limit stops the request; retry after the limit allows. */
    QUOTA,
    /** The request conflicts with the current state (a duplicate, a concurrent change). */
    CONFLICT,
    /** A dependency (database, another service) is unavailable; retrying later may succeed. */
    UNAVAILABLE,
    /** A defect on our side. */
    INTERNAL
}
