package io.hartonomous.billing.access;

import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.Caller;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminAccessTest {

    private final AdminAccess access = new AdminAccess(() -> 5);

    @Test
    void onlyTheOperatorsAdminAdministersAnotherTenant() {
        assertThat(access.administeredTenant(caller(5, "admin"), 7)).isEqualTo(7);
        assertThat(access.administeredTenant(caller(7, "admin"), null)).isEqualTo(7);
        assertThat(access.administeredTenant(caller(7, "admin"), 7)).isEqualTo(7);
        assertForbidden(() -> access.administeredTenant(caller(7, "admin"), 8));
        assertForbidden(() -> access.administeredTenant(caller(7, "admin", "service"), 8));
        assertForbidden(() -> access.administeredTenant(caller(5, "service"), 8));
    }

    @Test
    void readsAcrossTenantsForServiceTokensAndTheOperatorOnly() {
        assertThat(access.readTenant(caller(5, "admin"), 7)).isEqualTo(7);
        assertThat(access.readTenant(caller(1, "service"), 7)).isEqualTo(7);
        assertForbidden(() -> access.readTenant(caller(7, "admin"), 8));
    }

    @Test
    void noOperatorByDefault() {
        AdminAccess none = new AdminAccess(() -> 0);
        assertForbidden(() -> none.requireOperator(caller(1, "admin"), "Changing the rate card"));
        assertForbidden(() -> none.administeredTenant(caller(1, "admin"), 2));
        access.requireOperator(caller(5, "admin"), "Changing the rate card");
        assertForbidden(() -> access.requireOperator(caller(7, "admin"), "Changing the rate card"));
    }

    private static void assertForbidden(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(HartonomousException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    }

    private static Caller caller(int tenant, String... roles) {
        return new Caller(tenant, "t", Set.of(roles));
    }
}
