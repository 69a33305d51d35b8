package io.hartonomous.common.error;

import java.util.Locale;

/**
 * Stable error codes of the public API. The {@link #code()} string is part of the contract: once
 * published it never changes meaning, and clients may branch on it. Each code fixes its category
 * and HTTP status.
 */
public enum ErrorCode {
    INVALID_REQUEST(ErrorCategory.USER, 400, "Invalid request"),
    NOT_FOUND(ErrorCategory.USER, 404, "Not found"),
    METHOD_NOT_ALLOWED(ErrorCategory.USER, 405, "Method not allowed"),
    NOT_ACCEPTABLE(ErrorCategory.USER, 406, "Not acceptable"),
    PAYLOAD_TOO_LARGE(ErrorCategory.USER, 413, "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE(ErrorCategory.USER, 415, "Unsupported media type"),
    RANGE_NOT_SATISFIABLE(ErrorCategory.USER, 416, "Range not satisfiable"),
    UNPROCESSABLE_CONTENT(ErrorCategory.USER, 422, "Unprocessable content"),
    UNAUTHENTICATED(ErrorCategory.AUTH, 401, "Authentication required"),
    FORBIDDEN(ErrorCategory.AUTH, 403, "Forbidden"),
    QUOTA_EXCEEDED(ErrorCategory.QUOTA, 429, "Quota exceeded"),
    RATE_LIMITED(ErrorCategory.QUOTA, 429, "Too many requests"),
    CONFLICT(ErrorCategory.CONFLICT, 409, "Conflict"),
    DEPENDENCY_UNAVAILABLE(ErrorCategory.UNAVAILABLE, 503, "Dependency unavailable"),
    DATABASE_UNAVAILABLE(ErrorCategory.UNAVAILABLE, 503, "Database unavailable"),
    INTERNAL(ErrorCategory.INTERNAL, 500, "Internal error");

    private final ErrorCategory category;
    private final int httpStatus;
    private final String title;

    ErrorCode(ErrorCategory category, int httpStatus, String title) {
        this.category = category;
        this.httpStatus = httpStatus;
        this.title = title;
    }

    /** The stable wire form, e.g. {@code quota_exceeded}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public ErrorCategory category() {
        return category;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String title() {
        return title;
    }

    /** The problem type URI of RFC 9457. */
    public String type() {
        return "https://hartonomous.io/problems/" + code().replace('_', '-');
    }
}
