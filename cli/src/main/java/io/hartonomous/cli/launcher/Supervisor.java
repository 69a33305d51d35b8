package io.hartonomous.cli.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The long-lived process behind {@code hartonomous up}: starts the embedded PostgreSQL (unless an
 * external database is configured), then the five services, records them in {@code state.json},
 * and on SIGTERM ({@code hartonomous down}) stops the services and then the database. If it is
 * killed outright, the next {@code up} or {@code down} finds its children through the state file.
 */
public final class Supervisor {

    /** Marks the processes the launcher starts, so cleanup never touches anything else. */
    public static final String SERVICE_MARKER = "quarkus-run.jar";

    private final Home home;
    private final Path repositoryRoot;
    private final Map<String, String> env;
    private final PrintStream log;
    private final List<Process> services = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private EmbeddedDatabase database;
    private SuiteState state;

    public Supervisor(Home home, Path repositoryRoot, Map<String, String> env, PrintStream log) {
        this.home = home;
        this.repositoryRoot = repositoryRoot;
        this.env = env;
        this.log = log;
    }

    /** An external database is used when its host is configured. */
    public static boolean externalDatabase(Map<String, String> env) {
        String host = env.get("HARTONOMOUS_DB_HOST");
        return host != null && !host.isBlank();
    }

    public int run() throws IOException, InterruptedException {
        home.create();
        cleanUpAfterKilledSupervisor(home, log);
        DevKeys.ensure(home);
        state = new SuiteState(ProcessHandle.current().pid(), null, List.of(), "starting");
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "hartonomous-shutdown"));

        Map<String, String> serviceEnv = new HashMap<>(env);
        if (!externalDatabase(env)) {
            Integer port = env.containsKey("HARTONOMOUS_EMBEDDED_DB_PORT")
                    ? Integer.valueOf(env.get("HARTONOMOUS_EMBEDDED_DB_PORT")) : null;
            log.println("starting embedded PostgreSQL, data in " + home.pgData());
            database = EmbeddedDatabase.start(home, port);
            state = new SuiteState(state.supervisorPid(), database.state(), List.of(), "starting");
            serviceEnv.put("HARTONOMOUS_DB_KIND", "postgresql");
            serviceEnv.put("HARTONOMOUS_DB_HOST", "localhost");
            serviceEnv.put("HARTONOMOUS_DB_PORT", Integer.toString(database.port()));
            serviceEnv.put("HARTONOMOUS_DB_NAME", EmbeddedDatabase.DATABASE);
            serviceEnv.put("HARTONOMOUS_DB_USER", EmbeddedDatabase.USER);
            serviceEnv.put("HARTONOMOUS_DB_PASSWORD", EmbeddedDatabase.PASSWORD);
            log.println("embedded PostgreSQL ready on port " + database.port());
        }
        serviceEnv.putIfAbsent("MP_JWT_VERIFY_PUBLICKEY_LOCATION", home.publicKey().toAbsolutePath().toString());
        serviceEnv.putIfAbsent("QUARKUS_HTTP_HOST", "127.0.0.1");
        // services sign their own service-to-service tokens with the same local dev key
        serviceEnv.putIfAbsent("HARTONOMOUS_SERVICE_TOKEN_PRIVATE_KEY_LOCATION", home.privateKey().toAbsolutePath().toString());
        // uploads must survive a restart for jobs to resume
        serviceEnv.putIfAbsent("HARTONOMOUS_ATOM_INGEST_SPOOL_DIR", home.dir().resolve("spool").toAbsolutePath().toString());
        // the local single-user suite: the dev token's tenant (1) operates billing (rate card, credit notes)
        serviceEnv.putIfAbsent("HARTONOMOUS_BILLING_OPERATOR_TENANT", "1");
        for (ServiceSpec spec : ServiceSpec.SUITE) {
            serviceEnv.putIfAbsent("HARTONOMOUS_" + spec.name().toUpperCase(java.util.Locale.ROOT) + "_URL",
                    "http://127.0.0.1:" + spec.port(env));
        }
        state.write(home.stateFile());

        String java = ProcessHandle.current().info().command().orElse("java");
        for (ServiceSpec spec : ServiceSpec.SUITE) {
            Path jar = spec.runnerJar(repositoryRoot);
            if (!Files.exists(jar)) {
                throw new IOException(jar + " is missing: build the suite first (./mvnw package -DskipTests)");
            }
            int port = spec.port(env);
            ProcessBuilder builder = new ProcessBuilder(java, "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
                    "-Dhartonomous.launcher=" + home.dir().toAbsolutePath(), "-jar", jar.toString())
                    .directory(repositoryRoot.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.log(spec.module()).toFile()));
            builder.environment().putAll(serviceEnv);
            builder.environment().put(spec.portVariable(), Integer.toString(port));
            Process process = builder.start();
            services.add(process);
            state = state.withService(new SuiteState.ServiceState(spec.name(), process.pid(), port));
            state.write(home.stateFile());
            log.println("started " + spec.module() + " (pid " + process.pid() + ") on port " + port);
        }
        state = state.withPhase("running");
        state.write(home.stateFile());

        boolean[] reported = new boolean[services.size()];
        while (!stopped.await(2, TimeUnit.SECONDS)) {
            for (int i = 0; i < services.size(); i++) {
                Process p = services.get(i);
                if (!p.isAlive() && !reported[i]) {
                    reported[i] = true;
                    String module = ServiceSpec.SUITE.get(i).module();
                    log.println(module + " exited with status " + p.exitValue() + "; see " + home.log(module));
                }
            }
        }
        return 0;
    }

    private synchronized void shutdown() {
        if (stopped.getCount() == 0) {
            return;
        }
        log.println("stopping the suite");
        for (Process p : services) {
            p.destroy();
        }
        for (Process p : services) {
            Processes.stop(p.toHandle(), Duration.ofSeconds(20));
        }
        if (database != null) {
            try {
                database.close();
            } catch (IOException e) {
                log.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
            }
        }
        try {
            Files.deleteIfExists(home.stateFile());
        } catch (IOException ignored) {
            // a stale file is handled by the next up/down
        }
        log.println("stopped");
        stopped.countDown();
    }

    /**
     * Stops whatever a previous supervisor left behind: services first (they hold database
     * connections), then the database. Returns true if it found anything to stop.
     */
    public static boolean cleanUpAfterKilledSupervisor(Home home, PrintStream out) {
        var previous = SuiteState.read(home.stateFile());
        if (previous.isEmpty()) {
            EmbeddedDatabase.stopStaleServer(home.pgData());
            return false;
        }
        SuiteState s = previous.get();
        boolean found = false;
        if (Processes.alive(s.supervisorPid(), "hartonomous")) {
            return false; // still supervised: not ours to clean
        }
        for (SuiteState.ServiceState service : s.services()) {
            var process = Processes.find(service.pid(), SERVICE_MARKER);
            if (process.isPresent()) {
                found = true;
                out.println("stopping leftover " + service.name() + " service (pid " + service.pid() + ")");
                Processes.stop(process.get(), Duration.ofSeconds(20));
            }
        }
        if (EmbeddedDatabase.postmasterPid(home.pgData()) > 0) {
            found |= Processes.alive(EmbeddedDatabase.postmasterPid(home.pgData()), "postgres");
            EmbeddedDatabase.stopStaleServer(home.pgData());
        }
        try {
            Files.deleteIfExists(home.stateFile());
        } catch (IOException ignored) {
            // rewritten by the next supervisor
        }
        return found;
    }
}
