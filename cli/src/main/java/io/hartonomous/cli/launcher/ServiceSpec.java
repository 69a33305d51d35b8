package io.hartonomous.cli.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One service of the suite as the launcher knows it: its module, default port and the
 * environment variable that moves it.
 */
public record ServiceSpec(String name, String module, int defaultPort, String portVariable) {

    public static final List<ServiceSpec> SUITE = List.of(
            new ServiceSpec("atom", "atom-service", 8081, "HARTONOMOUS_ATOM_PORT"),
            new ServiceSpec("search", "search-service", 8082, "HARTONOMOUS_SEARCH_PORT"),
            new ServiceSpec("concept", "concept-service", 8083, "HARTONOMOUS_CONCEPT_PORT"),
            new ServiceSpec("ooda", "ooda-service", 8084, "HARTONOMOUS_OODA_PORT"),
            new ServiceSpec("billing", "billing-service", 8085, "HARTONOMOUS_BILLING_PORT"));

    /** The port from the environment, else the default. */
    public int port(Map<String, String> env) {
        String value = env.get(portVariable);
        if (value == null || value.isBlank()) {
            return defaultPort;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(portVariable + " must be a port number, not '" + value + "'");
        }
    }

    /** The packaged application (Quarkus fast-jar) inside the repository checkout. */
    public Path runnerJar(Path repositoryRoot) {
        return repositoryRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }
}
