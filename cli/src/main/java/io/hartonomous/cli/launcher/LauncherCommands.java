package io.hartonomous.cli.launcher;

import io.hartonomous.common.auth.JwtSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code up}, {@code down}, {@code status}, {@code token}: the local run of the suite. */
public final class LauncherCommands {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String ISSUER = "hartonomous";

    private LauncherCommands() {
    }

    /** Options every launcher command shares. */
    abstract static class Base implements Callable<Integer> {
        @Option(names = "--home", description = "State directory (default: $HARTONOMOUS_HOME or ./.hartonomous)")
        Path homeDir;

        @Option(names = "--root", description = "Repository checkout holding the built services (default: $HARTONOMOUS_ROOT or the current directory)")
        Path root;

        Home home() {
            Path dir = homeDir;
            if (dir == null) {
                String env = System.getenv("HARTONOMOUS_HOME");
                dir = env != null && !env.isBlank() ? Path.of(env) : Path.of(".hartonomous");
            }
            return new Home(dir.toAbsolutePath().normalize());
        }

        Path root() {
            Path dir = root;
            if (dir == null) {
                String env = System.getenv("HARTONOMOUS_ROOT");
                dir = env != null && !env.isBlank() ? Path.of(env) : Path.of("");
            }
            return dir.toAbsolutePath().normalize();
        }

        PrintStream out() {
            return System.out;
        }
    }

    @Command(name = "up", description = "Start the embedded PostgreSQL and the five services; wait until all are ready.")
    public static final class Up extends Base {
        @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for readiness (default ${DEFAULT-VALUE})")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            Home home = home().create();
            Optional<SuiteState> running = SuiteState.read(home.stateFile())
                    .filter(s -> Processes.alive(s.supervisorPid(), "hartonomous"));
            if (running.isPresent()) {
                out().println("Hartonomous is already running (supervisor pid " + running.get().supervisorPid() + ").");
                return printReady(home, running.get()) ? 0 : 1;
            }
            Supervisor.cleanUpAfterKilledSupervisor(home, out());
            DevKeys.ensure(home);
            for (ServiceSpec spec : ServiceSpec.SUITE) {
                if (!Files.exists(spec.runnerJar(root()))) {
                    System.err.println(spec.runnerJar(root()) + " is missing: build with ./mvnw package -DskipTests");
                    return 2;
                }
            }
            List<String> command = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                command.add("/usr/bin/setsid"); // own session: a Ctrl-C on this terminal does not reach it
            }
            command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.hartonomous.cli.Main",
                    "supervise", "--home", home.dir().toString(), "--root", root().toString()));
            Process supervisor = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.log("supervisor").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            out().println("Starting Hartonomous (logs in " + home.logs() + ") ...");
            Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
            while (Instant.now().isBefore(deadline)) {
                Optional<SuiteState> state = SuiteState.read(home.stateFile());
                if (!supervisor.isAlive() && state.map(s -> Processes.alive(s.supervisorPid(), "")).orElse(true)) {
                    System.err.println("The supervisor stopped during start-up:");
                    System.err.println(tail(home.log("supervisor"), 30));
                    new Down().stop(home, out());
                    return 1;
                }
                if (state.isPresent() && "running".equals(state.get().phase())) {
                    for (SuiteState.ServiceState s : state.get().services()) {
                        if (!Processes.alive(s.pid(), "")) {
                            String module = s.name() + "-service";
                            System.err.println(module + " stopped during start-up:");
                            System.err.println(tail(home.log(module), 40));
                            new Down().stop(home, out());
                            return 1;
                        }
                    }
                    if (state.get().services().stream().allMatch(s -> ready(s.port()))) {
                        printReady(home, state.get());
                        return 0;
                    }
                }
                Thread.sleep(500);
            }
            System.err.println("Not ready after " + timeoutSeconds + " s; see the logs in " + home.logs()
                    + " and run ./hartonomous down");
            return 1;
        }

        private boolean printReady(Home home, SuiteState state) throws IOException {
            boolean allReady = true;
            out().println();
            if (state.database() != null) {
                out().println("Embedded PostgreSQL: localhost:" + state.database().port() + "/" + state.database().name()
                        + " (user " + state.database().user() + ", data in " + home.pgData() + ")");
            } else {
                out().println("Database: external (HARTONOMOUS_DB_* settings)");
            }
            for (SuiteState.ServiceState s : state.services()) {
                boolean ready = ready(s.port());
                allReady &= ready;
                out().printf(Locale.ROOT, "  %-8s http://localhost:%d   %s  (OpenAPI: /q/openapi, Swagger UI: /q/swagger-ui)%n",
                        s.name(), s.port(), ready ? "ready" : "NOT READY");
            }
            String token = new JwtSigner(DevKeys.privateKey(home), ISSUER)
                    .sign(1, "dev", List.of("ingest", "search", "admin"), Duration.ofHours(12));
            out().println();
            out().println("Token for tenant 1 (roles ingest, search, admin; valid 12 h):");
            out().println("export HARTONOMOUS_TOKEN=" + token);
            out().println();
            out().println("Try: curl -H \"Authorization: Bearer $HARTONOMOUS_TOKEN\" http://localhost:"
                    + state.services().get(0).port() + "/api/v1/whoami");
            return allReady;
        }
    }

    @Command(name = "down", description = "Stop everything up started.")
    public static final class Down extends Base {
        @Override
        public Integer call() {
            return stop(home(), out());
        }

        int stop(Home home, PrintStream out) {
            Optional<SuiteState> state = SuiteState.read(home.stateFile());
            if (state.isPresent()) {
                Processes.find(state.get().supervisorPid(), "hartonomous").ifPresent(supervisor -> {
                    out.println("Stopping Hartonomous (supervisor pid " + supervisor.pid() + ") ...");
                    Processes.stop(supervisor, Duration.ofSeconds(90));
                });
            }
            boolean leftovers = Supervisor.cleanUpAfterKilledSupervisor(home, out);
            out.println(state.isPresent() || leftovers ? "Stopped." : "Nothing was running.");
            return 0;
        }
    }

    @Command(name = "status", description = "Show what runs. Exit status 0 when every service is ready, 3 when nothing runs.")
    public static final class Status extends Base {
        @Override
        public Integer call() {
            Home home = home();
            Optional<SuiteState> state = SuiteState.read(home.stateFile());
            if (state.isEmpty() || !Processes.alive(state.get().supervisorPid(), "hartonomous")) {
                out().println("Hartonomous is not running.");
                return 3;
            }
            SuiteState s = state.get();
            out().println("supervisor  pid " + s.supervisorPid() + "  " + s.phase());
            if (s.database() != null) {
                out().println("postgresql  pid " + s.database().pid() + "  port " + s.database().port() + "  "
                        + (Processes.alive(s.database().pid(), "postgres") ? "running" : "STOPPED"));
            }
            boolean all = true;
            for (SuiteState.ServiceState service : s.services()) {
                boolean alive = Processes.alive(service.pid(), "");
                boolean ready = alive && ready(service.port());
                all &= ready;
                out().printf(Locale.ROOT, "%-10s  pid %d  port %d  %s%n", service.name(), service.pid(), service.port(),
                        ready ? "ready" : alive ? "starting" : "STOPPED");
            }
            return all ? 0 : 1;
        }
    }

    @Command(name = "token", description = "Mint a token signed with the local dev key.")
    public static final class Token extends Base {
        @Option(names = "--tenant", required = true, description = "Tenant id (a positive integer)")
        int tenant;

        @Option(names = "--roles", defaultValue = "ingest,search", split = ",",
                description = "Comma-separated roles among ingest, search, admin, service (default ${DEFAULT-VALUE})")
        List<String> roles;

        @Option(names = "--subject", defaultValue = "dev", description = "Token subject (default ${DEFAULT-VALUE})")
        String subject;

        @Option(names = "--ttl", defaultValue = "12h", description = "Lifetime, e.g. 30m, 12h, 7d (default ${DEFAULT-VALUE})")
        String ttl;

        @Override
        public Integer call() throws IOException {
            if (tenant <= 0) {
                System.err.println("--tenant must be a positive integer");
                return 2;
            }
            List<String> known = Arrays.asList("ingest", "search", "admin", "service");
            for (String role : roles) {
                if (!known.contains(role)) {
                    System.err.println("unknown role '" + role + "': use " + String.join(", ", known));
                    return 2;
                }
            }
            Home home = home().create();
            DevKeys.ensure(home);
            out().println(new JwtSigner(DevKeys.privateKey(home), ISSUER).sign(tenant, subject, roles, parseTtl(ttl)));
            return 0;
        }

        static Duration parseTtl(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException("--ttl takes a number and s, m, h or d, e.g. 12h");
            };
        }
    }

    @Command(name = "supervise", hidden = true, description = "Run the suite in the foreground (used by up).")
    public static final class Supervise extends Base {
        @Override
        public Integer call() throws Exception {
            return new Supervisor(home(), root(), System.getenv(), System.out).run();
        }
    }

    static boolean ready(int port) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }
}
