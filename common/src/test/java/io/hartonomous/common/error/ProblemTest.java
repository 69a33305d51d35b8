package io.hartonomous.common.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProblemTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void serializesStandardMembersCodeAndTraceId() throws Exception {
        Problem problem = Problem.of(ErrorCode.NOT_FOUND, "No atom 42.", "/api/v1/atoms/42", "trace-1", Map.of());

        JsonNode json = mapper.readTree(mapper.writeValueAsString(problem));

        assertThat(json.get("type").asText()).isEqualTo("https://hartonomous.io/problems/not-found");
        assertThat(json.get("title").asText()).isEqualTo("Not found");
        assertThat(json.get("status").isInt()).isTrue();
        assertThat(json.get("status").asInt()).isEqualTo(404);
        assertThat(json.get("code").asText()).isEqualTo("not_found");
        assertThat(json.get("detail").asText()).isEqualTo("No atom 42.");
        assertThat(json.get("instance").asText()).isEqualTo("/api/v1/atoms/42");
        assertThat(json.get("traceId").asText()).isEqualTo("trace-1");
    }

    @Test
    void writesMembersInDocumentedOrder() throws Exception {
        Problem problem = Problem.of(ErrorCode.CONFLICT, "Exists.", "/x", "t", Map.of());

        String text = mapper.writeValueAsString(problem);

        assertThat(text).isEqualTo("{\"type\":\"https://hartonomous.io/problems/conflict\",\"title\":\"Conflict\","
                + "\"status\":409,\"code\":\"conflict\",\"detail\":\"Exists.\",\"instance\":\"/x\",\"traceId\":\"t\"}");
    }

    @Test
    void flattensExtensionsIntoTheDocument() throws Exception {
        Problem problem = Problem.of(ErrorCode.QUOTA_EXCEEDED, "Monthly quota used up.", null, "trace-2",
                Map.of("remaining", 0, "limit", 1000, "resets", List.of("2026-05-01")));

        JsonNode json = mapper.readTree(mapper.writeValueAsString(problem));

        assertThat(json.has("extensions")).isFalse();
        assertThat(json.has("any")).isFalse();
        assertThat(json.get("remaining").asInt()).isZero();
        assertThat(json.get("limit").asInt()).isEqualTo(1000);
        assertThat(json.get("resets").get(0).asText()).isEqualTo("2026-05-01");
        assertThat(json.get("code").asText()).isEqualTo("quota_exceeded");
        assertThat(json.get("status").asInt()).isEqualTo(429);
    }

    @Test
    void omitsNullMembers() throws Exception {
        Problem problem = Problem.of(ErrorCode.INTERNAL, null, null, null, null);

        JsonNode json = mapper.readTree(mapper.writeValueAsString(problem));

        assertThat(json.properties()).extracting(Map.Entry::getKey)
                .containsExactly("type", "title", "status", "code");
    }

    @Test
    void copiesExtensionsSoLaterChangesDoNotLeakIn() {
        Map<String, Object> extensions = new HashMap<>(Map.of("remaining", 3));
        Problem problem = Problem.of(ErrorCode.RATE_LIMITED, "Slow down.", null, "t", extensions);

        extensions.put("remaining", 2);

        assertThat(problem.any()).containsExactly(Map.entry("remaining", 3));
        assertThatThrownBy(() -> problem.any().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void takesTypeTitleStatusAndCodeFromTheErrorCode() {
        Problem problem = Problem.of(ErrorCode.FORBIDDEN, "No.", null, null, Map.of());

        assertThat(problem.type()).isEqualTo(ErrorCode.FORBIDDEN.type());
        assertThat(problem.title()).isEqualTo(ErrorCode.FORBIDDEN.title());
        assertThat(problem.status()).isEqualTo(403);
        assertThat(problem.code()).isEqualTo("forbidden");
    }

    @Test
    void hasTheProblemJsonMediaType() {
        assertThat(Problem.MEDIA_TYPE).isEqualTo("application/problem+json");
    }
}
