package io.hartonomous.cli.launcher;

import io.hartonomous.common.auth.PemKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LauncherTest {

    @TempDir
    Path dir;

    @Test
    void parsesTokenLifetimes() {
        assertThat(LauncherCommands.Token.parseTtl("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(LauncherCommands.Token.parseTtl("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(LauncherCommands.Token.parseTtl("7d")).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> LauncherCommands.Token.parseTtl("7y")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void servicePortsComeFromEnvironmentOrDefaults() {
        ServiceSpec atom = ServiceSpec.SUITE.get(0);
        assertThat(atom.port(Map.of())).isEqualTo(8081);
        assertThat(atom.port(Map.of("HARTONOMOUS_ATOM_PORT", "9001"))).isEqualTo(9001);
        assertThatThrownBy(() -> atom.port(Map.of("HARTONOMOUS_ATOM_PORT", "x"))).hasMessageContaining("HARTONOMOUS_ATOM_PORT");
        assertThat(ServiceSpec.SUITE).extracting(ServiceSpec::defaultPort).containsExactly(8081, 8082, 8083, 8084, 8085);
    }

    @Test
    void generatesDevKeyOnceAndKeepsItPrivate() throws Exception {
        Home home = new Home(dir.resolve("h"));
        DevKeys.ensure(home);
        String first = Files.readString(home.privateKey());
        DevKeys.ensure(home);
        assertThat(Files.readString(home.privateKey())).isEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.privateKey()))).isEqualTo("rw-------");
        assertThat(PemKeys.publicKey(Files.readString(home.publicKey()))).isNotNull();
        assertThat(DevKeys.privateKey(home)).isNotNull();
    }

    @Test
    void stateFileRoundTrips() {
        SuiteState state = new SuiteState(12, new SuiteState.DatabaseState(13, 5432, "hartonomous", "postgres", "postgres"),
                List.of(new SuiteState.ServiceState("atom", 14, 8081)), "running");
        Path file = dir.resolve("state.json");
        state.write(file);
        assertThat(SuiteState.read(file)).contains(state);
        assertThat(SuiteState.read(dir.resolve("missing.json"))).isEmpty();
    }

    @Test
    void externalDatabaseIsChosenByHost() {
        assertThat(Supervisor.externalDatabase(Map.of())).isFalse();
        assertThat(Supervisor.externalDatabase(Map.of("HARTONOMOUS_DB_HOST", "db.example"))).isTrue();
    }

    @Test
    void neverTouchesAProcessWithoutTheMarker() {
        long self = ProcessHandle.current().pid();
        assertThat(Processes.find(self, "no-such-marker-xyz")).isEmpty();
        assertThat(Processes.find(self, "")).isPresent();
        assertThat(Processes.find(-1, "")).isEmpty();
    }
}
