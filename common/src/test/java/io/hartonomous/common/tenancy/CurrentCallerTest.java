package io.hartonomous.common.tenancy;

import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CurrentCallerTest {

    static Stream<Object> validSevens() {
        return Stream.of(7, 7L, (short) 7, 7.0, BigInteger.valueOf(7), "7", "0000000007",
                Json.createValue(7), Json.createValue(7L), Json.createValue(new BigDecimal("7")), Json.createValue("7"));
    }

    @ParameterizedTest
    @MethodSource("validSevens")
    void acceptsTenantSevenInEveryClaimForm(Object claim) {
        assertThat(CurrentCaller.parseTenant(claim)).isEqualTo(7);
    }

    @Test
    void acceptsTheLargestIntTenant() {
        assertThat(CurrentCaller.parseTenant(Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
        assertThat(CurrentCaller.parseTenant("2147483647")).isEqualTo(Integer.MAX_VALUE);
        assertThat(CurrentCaller.parseTenant(Json.createValue(2147483647L))).isEqualTo(Integer.MAX_VALUE);
    }

    static Stream<Object> invalidClaims() {
        return Stream.of(0, -1, 0L, -1L, 1L << 31, Long.MAX_VALUE, Long.MIN_VALUE,
                "0", "-1", "2147483648", "9999999999", "12345678901", "abc", "", " 7", "7 ", "+7", "7.0", "1e3",
                1.5, 1.5f, 7.9, new BigDecimal("1.5"),
                new BigInteger("18446744073709551623"),
                Json.createValue(0), Json.createValue(-1), Json.createValue(1L << 31), Json.createValue(1.5),
                Json.createValue(new BigInteger("18446744073709551623")),
                Json.createValue("abc"), Json.createValue(""), Json.createValue("-7"),
                jakarta.json.JsonValue.TRUE, Json.createArrayBuilder().add(7).build(), true, new Object());
    }

    @ParameterizedTest
    @MethodSource("invalidClaims")
    void rejectsInvalidTenantAsUnauthenticated(Object claim) {
        assertThatThrownBy(() -> CurrentCaller.parseTenant(claim))
                .isInstanceOfSatisfying(HartonomousException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED))
                .hasMessageContaining("tenant");
    }

    @Test
    void rejectsMissingTenantAsUnauthenticated() {
        assertThatThrownBy(() -> CurrentCaller.parseTenant(null))
                .isInstanceOfSatisfying(HartonomousException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }
}
