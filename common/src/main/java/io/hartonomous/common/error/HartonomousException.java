package io.hartonomous.common.error;

import java.util.Map;
import java.util.Objects;

/**
 * The one exception type of the suite. Its {@link ErrorCode} decides the HTTP status and the
 * problem type; {@link #getMessage()} is the problem's {@code detail} and is shown to the caller,
 * so it must say what was wrong without leaking another tenant's data or internals.
 * {@link #extensions()} become extra members of the problem document (e.g. {@code remaining}).
 */
public class HartonomousException extends RuntimeException {

    private final ErrorCode code;
    private final Map<String, Object> extensions;

    public HartonomousException(ErrorCode code, String detail) {
        this(code, detail, Map.of(), null);
    }

    public HartonomousException(ErrorCode code, String detail, Throwable cause) {
        this(code, detail, Map.of(), cause);
    }

    public HartonomousException(ErrorCode code, String detail, Map<String, Object> extensions, Throwable cause) {
        super(Objects.requireNonNull(detail, "detail"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.extensions = Map.copyOf(extensions);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public static HartonomousException invalid(String detail) {
        return new HartonomousException(ErrorCode.INVALID_REQUEST, detail);
    }

    public static HartonomousException notFound(String detail) {
        return new HartonomousException(ErrorCode.NOT_FOUND, detail);
    }
}
