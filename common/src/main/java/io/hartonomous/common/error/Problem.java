package io.hartonomous.common.error;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Map;

/**
 * An RFC 9457 problem document ({@code application/problem+json}) with the suite's stable
 * {@code code} and the request's {@code traceId}. Extension members are flattened into the body.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "title", "status", "code", "detail", "instance", "traceId"})
public record Problem(String type, String title, int status, String code, String detail, String instance,
                      String traceId, @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ErrorCode code, String detail, String instance, String traceId, Map<String, Object> extensions) {
        return new Problem(code.type(), code.title(), code.httpStatus(), code.code(), detail, instance, traceId,
                extensions == null ? Map.of() : Map.copyOf(extensions));
    }

    @JsonAnyGetter
    public Map<String, Object> any() {
        return extensions;
    }
}
