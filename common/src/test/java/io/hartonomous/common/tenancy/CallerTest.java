package io.hartonomous.common.tenancy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallerTest {

    @Test
    void copiesRolesSoLaterChangesDoNotLeakIn() {
        Set<String> roles = new HashSet<>(Set.of(Roles.SEARCH));
        Caller caller = new Caller(7, "user-7", roles);

        roles.add(Roles.ADMIN);

        assertThat(caller.roles()).containsExactly(Roles.SEARCH);
        assertThat(caller.hasRole(Roles.ADMIN)).isFalse();
    }

    @Test
    void rolesAreImmutable() {
        Caller caller = new Caller(7, "user-7", Set.of(Roles.INGEST));

        assertThatThrownBy(() -> caller.roles().add(Roles.ADMIN)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void answersRoleMembership() {
        Caller caller = new Caller(7, "svc", Set.of(Roles.SERVICE, Roles.INGEST));

        assertThat(caller.hasRole(Roles.SERVICE)).isTrue();
        assertThat(caller.hasRole(Roles.INGEST)).isTrue();
        assertThat(caller.hasRole(Roles.SEARCH)).isFalse();
    }

    @Test
    void acceptsPositiveTenant() {
        assertThat(new Caller(1, "a", Set.of()).tenantId()).isEqualTo(1);
        assertThat(new Caller(Integer.MAX_VALUE, "a", Set.of()).tenantId()).isEqualTo(Integer.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void rejectsNonPositiveTenant(int tenant) {
        assertThatThrownBy(() -> new Caller(tenant, "a", Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }

    @Test
    void rejectsNullRoles() {
        assertThatThrownBy(() -> new Caller(7, "a", null)).isInstanceOf(NullPointerException.class);
    }
}
