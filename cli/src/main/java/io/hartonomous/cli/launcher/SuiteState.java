package io.hartonomous.cli.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the supervisor started, written to {@code state.json} so that {@code status} and
 * {@code down} (other processes) can find it, and so a later {@code up} can clean up after a
 * supervisor that was killed.
 *
 * @param supervisorPid the supervising process
 * @param database      the embedded database, or {@code null} when an external one is used
 * @param services      the service processes
 */
public record SuiteState(long supervisorPid, DatabaseState database, List<ServiceState> services, String phase) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public record DatabaseState(long pid, int port, String name, String user, String password) {
    }

    public record ServiceState(String name, long pid, int port) {
    }

    public SuiteState {
        services = List.copyOf(services);
    }

    public SuiteState withService(ServiceState service) {
        List<ServiceState> all = new ArrayList<>(services);
        all.add(service);
        return new SuiteState(supervisorPid, database, all, phase);
    }

    public SuiteState withPhase(String newPhase) {
        return new SuiteState(supervisorPid, database, services, newPhase);
    }

    public static Optional<SuiteState> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), SuiteState.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes atomically (temp file + rename) so readers never see half a file. */
    public void write(Path file) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
