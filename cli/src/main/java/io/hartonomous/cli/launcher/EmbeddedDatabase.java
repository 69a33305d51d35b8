package io.hartonomous.cli.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The embedded PostgreSQL of a local run: real PostgreSQL binaries from a Maven artifact, data in
 * {@code .hartonomous/pgdata} (kept across restarts), on the port used last time when it is free,
 * else on a free one. A server left running by a killed supervisor is stopped first.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String DATABASE = "hartonomous";
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private final EmbeddedPostgres postgres;
    private final long pid;

    private EmbeddedDatabase(EmbeddedPostgres postgres, long pid) {
        this.postgres = postgres;
        this.pid = pid;
    }

    public static EmbeddedDatabase start(Home home, Integer requestedPort) throws IOException {
        Path data = home.pgData();
        stopStaleServer(data);
        int port = requestedPort != null ? requestedPort : choosePort(home);
        Files.createDirectories(data);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(home.log("postgres").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(home.log("postgres").toFile()))
                .start();
        Files.writeString(home.dbPortFile(), Integer.toString(pg.getPort()), StandardCharsets.UTF_8);
        ensureDatabase(pg.getPort());
        return new EmbeddedDatabase(pg, postmasterPid(data));
    }

    public int port() {
        return postgres.getPort();
    }

    public long pid() {
        return pid;
    }

    public SuiteState.DatabaseState state() {
        return new SuiteState.DatabaseState(pid, port(), DATABASE, USER, PASSWORD);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    /** The pid in {@code postmaster.pid}, or -1 when there is none. */
    static long postmasterPid(Path data) {
        Path pidFile = data.resolve("postmaster.pid");
        try {
            if (Files.exists(pidFile)) {
                String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim();
                return Long.parseLong(first);
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: treated as no running server
        }
        return -1;
    }

    /** Stops a postmaster still running on this data directory (its supervisor was killed). */
    static void stopStaleServer(Path data) {
        long stale = postmasterPid(data);
        Processes.find(stale, "postgres").ifPresent(p -> {
            // SIGTERM is a "smart" shutdown that waits for clients; SIGINT is "fast": it
            // disconnects them, rolls back open transactions and checkpoints. No data is lost.
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(stale)).inheritIO().start().waitFor();
            } catch (IOException e) {
                p.destroy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Processes.stop(p, Duration.ofSeconds(30));
        });
    }

    private static int choosePort(Home home) throws IOException {
        if (Files.exists(home.dbPortFile())) {
            try {
                int last = Integer.parseInt(Files.readString(home.dbPortFile()).trim());
                if (free(last)) {
                    return last;
                }
            } catch (NumberFormatException ignored) {
                // fall through to a fresh port
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void ensureDatabase(int port) throws IOException {
        String url = "jdbc:postgresql://localhost:" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(url, USER, PASSWORD);
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            if (!exists.executeQuery().next()) {
                try (Statement create = c.createStatement()) {
                    create.execute("CREATE DATABASE " + DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot create database " + DATABASE + " on the embedded server", e);
        }
    }
}
