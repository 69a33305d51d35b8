package io.hartonomous.common.error;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorCodeTest {

    @Test
    void wireCodesAreThePublishedOnes() {
        // part of the public contract: renaming, removing or reordering a code must fail here
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code)).containsExactly(
                "invalid_request",
                "not_found",
                "method_not_allowed",
                "not_acceptable",
                "payload_too_large",
                "unsupported_media_type",
                "range_not_satisfiable",
                "unprocessable_content",
                "unauthenticated",
                "forbidden",
                "quota_exceeded",
                "rate_limited",
                "conflict",
                "dependency_unavailable",
                "database_unavailable",
                "internal");
    }

    @Test
    void wireCodesAreUnique() {
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code)).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void wireCodeIsLowerSnakeCase(ErrorCode code) {
        assertThat(code.code()).matches("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void statusMatchesCategory(ErrorCode code) {
        int status = code.httpStatus();
        switch (code.category()) {
            case USER -> assertThat(status).isBetween(400, 499).isNotEqualTo(429)
                    .isNotIn(401, 403, 409);
            case AUTH -> assertThat(status).isIn(401, 403);
            case QUOTA -> assertThat(status).isEqualTo(429);
            case CONFLICT -> assertThat(status).isEqualTo(409);
            case UNAVAILABLE -> assertThat(status).isEqualTo(503);
            case INTERNAL -> assertThat(status).isEqualTo(500);
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void typeIsAnAbsoluteHttpsUriNamingTheCode(ErrorCode code) {
        URI type = URI.create(code.type());

        assertThat(type.getScheme()).isEqualTo("https");
        assertThat(type.isAbsolute()).isTrue();
        assertThat(type.getHost()).isNotBlank();
        assertThat(type.getPath()).endsWith("/" + code.code().replace('_', '-'));
    }

    @Test
    void typesAreUnique() {
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::type)).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeHasATitle(ErrorCode code) {
        assertThat(code.title()).isNotBlank();
    }
}
