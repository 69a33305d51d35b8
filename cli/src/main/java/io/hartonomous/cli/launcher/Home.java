package io.hartonomous.cli.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launcher's state directory ({@code .hartonomous/} in the checkout): the embedded
 * database's data, the local dev keys, logs, and the state of the running suite.
 */
public record Home(Path dir) {

    public Path pgData() {
        return dir.resolve("pgdata");
    }

    public Path logs() {
        return dir.resolve("logs");
    }

    public Path log(String name) {
        return logs().resolve(name + ".log");
    }

    public Path keys() {
        return dir.resolve("keys");
    }

    public Path privateKey() {
        return keys().resolve("dev-private.pem");
    }

    public Path publicKey() {
        return keys().resolve("dev-public.pem");
    }

    public Path stateFile() {
        return dir.resolve("state.json");
    }

    public Path dbPortFile() {
        return dir.resolve("db.port");
    }

    public Home create() {
        try {
            Files.createDirectories(logs());
            Files.createDirectories(keys());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return this;
    }
}
