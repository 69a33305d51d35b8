package io.hartonomous.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code k8s/} level with the services: every YAML document there is parsed and checked
 * against each service's configuration (application.properties, common's
 * microprofile-config.properties, the {@code @ConfigMapping} interfaces and {@code @ConfigProperty}
 * names in its sources), so a renamed property, a changed port or a forgotten file fails the build.
 * Each test collects every problem before failing, so one run lists all the drift.
 */
class K8sManifestsTest {

    static final List<String> SERVICES =
            List.of("atom-service", "search-service", "concept-service", "ooda-service", "billing-service");

    /**
     * Read by the services' extensions rather than by a property of ours: smallrye-jwt's verification
     * key (MicroProfile JWT). Admitted only where common's shared configuration names the variable.
     */
    static final Set<String> FRAMEWORK_PROPERTIES = Set.of("mp.jwt.verify.publickey", "mp.jwt.verify.publickey.location");

    static final Pattern EXPRESSION = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-\"]+)(?::[^}]*)?}");
    static final Pattern HTTP_PORT = Pattern.compile("\\$\\{[A-Z0-9_]+:(\\d+)}|^(\\d+)$");
    static final Pattern REST_CLIENT_URL = Pattern.compile("quarkus\\.rest-client\\.[a-z0-9-]+\\.url");

    static Path root;
    static Path k8s;
    static final List<Manifest> manifests = new ArrayList<>();

    /** One YAML document and the file it came from. */
    record Manifest(String file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }
    }

    @BeforeAll
    static void load() throws IOException {
        root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("..").normalize();
        k8s = root.resolve("k8s");
        assertThat(k8s).as("the k8s folder beside the cli module").isDirectory();
        YAMLMapper yaml = new YAMLMapper();
        for (Path file : yamlFiles()) {
            try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                        manifests.add(new Manifest(file.getFileName().toString(), doc));
                    }
                }
            }
        }
    }

    static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.list(k8s)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        }
    }

    @Test
    void kustomizationListsEveryFileAndOnlyExistingOnes() throws IOException {
        Manifest kustomization = one("Kustomization", null);
        assertThat(kustomization.file()).isEqualTo("kustomization.yaml");
        Set<String> listed = new TreeSet<>();
        kustomization.node().path("resources").forEach(r -> listed.add(r.asText()));
        Set<String> present = new TreeSet<>();
        for (Path f : yamlFiles()) {
            if (!f.getFileName().toString().startsWith("kustomization.")) {
                present.add(f.getFileName().toString());
            }
        }
        assertThat(listed).as("kustomization.yaml resources vs the YAML files in k8s/").isEqualTo(present);
    }

    @Test
    void everyServiceHasADeploymentServiceAndDisruptionBudgetMatchingItsConfiguration() throws IOException {
        List<String> problems = new ArrayList<>();
        String version = projectVersion();
        for (String service : SERVICES) {
            Properties props = properties(root.resolve(service).resolve("src/main/resources/application.properties"));
            int port = defaultPort(props.getProperty("quarkus.http.port"), service);
            Manifest deployment = find("Deployment", service);
            Manifest svc = find("Service", service);
            if (deployment == null || svc == null) {
                problems.add(service + ": needs a Deployment and a Service named " + service);
                continue;
            }
            JsonNode pod = deployment.node().path("spec").path("template");
            JsonNode podLabels = pod.path("metadata").path("labels");
            JsonNode container = container(deployment);
            String where = deployment.file() + " " + service;

            if (!("hartonomous/" + service + ":" + version).equals(container.path("image").asText())) {
                problems.add(where + ": image " + container.path("image").asText() + ", expected hartonomous/" + service + ":" + version);
            }
            if (!selects(deployment.node().path("spec").path("selector").path("matchLabels"), podLabels)) {
                problems.add(where + ": the Deployment's selector does not match its pod labels");
            }
            // the port: the default of quarkus.http.port, on the container, the probes, the Service and the scrape annotation
            JsonNode containerPort = null;
            for (JsonNode p : container.path("ports")) {
                if (p.path("containerPort").asInt() == port) {
                    containerPort = p;
                }
            }
            if (containerPort == null || container.path("ports").size() != 1) {
                problems.add(where + ": one container port " + port + " (quarkus.http.port), found " + container.path("ports"));
            }
            String portName = containerPort == null ? null : containerPort.path("name").asText(null);
            checkProbe(problems, where, container, "livenessProbe", "/q/health/live", port, portName);
            checkProbe(problems, where, container, "readinessProbe", "/q/health/ready", port, portName);
            checkProbe(problems, where, container, "startupProbe", "/q/health/", port, portName);

            JsonNode svcPorts = svc.node().path("spec").path("ports");
            String type = svc.node().path("spec").path("type").asText("ClusterIP");
            if (!"ClusterIP".equals(type) || svcPorts.size() != 1 || svcPorts.get(0).path("port").asInt() != port
                    || !targets(svcPorts.get(0).path("targetPort"), port, portName)) {
                problems.add(svc.file() + " " + service + ": a ClusterIP Service port " + port + " to the container's, found " + svcPorts);
            }
            if (!selects(svc.node().path("spec").path("selector"), podLabels)) {
                problems.add(svc.file() + " " + service + ": the Service selects no pod of the Deployment");
            }
            JsonNode annotations = pod.path("metadata").path("annotations");
            if (!"true".equals(annotations.path("prometheus.io/scrape").asText())
                    || !"/q/metrics".equals(annotations.path("prometheus.io/path").asText())
                    || !String.valueOf(port).equals(annotations.path("prometheus.io/port").asText())) {
                problems.add(where + ": Prometheus annotations scrape=true, path=/q/metrics, port=" + port + ", found " + annotations);
            }

            Manifest pdb = find("PodDisruptionBudget", service);
            if (pdb == null || !selects(pdb.node().path("spec").path("selector").path("matchLabels"), podLabels)) {
                problems.add(service + ": needs a PodDisruptionBudget selecting its pods");
            }
            Manifest hpa = find("HorizontalPodAutoscaler", service);
            if (hpa != null && !service.equals(hpa.node().path("spec").path("scaleTargetRef").path("name").asText())) {
                problems.add(hpa.file() + " " + service + ": the HorizontalPodAutoscaler scales another Deployment");
            }
        }
        assertThat(problems).as("k8s manifests vs the services").isEmpty();
    }

    /** The images the Deployments name can be built: a JVM and a native Dockerfile per service, on its port. */
    @Test
    void everyServiceHasDockerfilesForItsImage() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            Properties props = properties(root.resolve(service).resolve("src/main/resources/application.properties"));
            int port = defaultPort(props.getProperty("quarkus.http.port"), service);
            for (String file : List.of("Dockerfile.jvm", "Dockerfile.native-micro")) {
                Path dockerfile = root.resolve(service).resolve("src/main/docker").resolve(file);
                if (!Files.exists(dockerfile)) {
                    problems.add(service + ": no src/main/docker/" + file);
                    continue;
                }
                String text = Files.readString(dockerfile);
                if (!text.contains("EXPOSE " + port + "\n")) {
                    problems.add(service + "/" + file + ": does not expose " + port);
                }
                if (!text.contains("hartonomous/" + service + ":" + projectVersion())) {
                    problems.add(service + "/" + file + ": does not document the image tag the Deployment runs");
                }
            }
            if (!Files.readString(root.resolve(service).resolve("src/main/docker/Dockerfile.jvm")).contains("USER 185")) {
                problems.add(service + "/Dockerfile.jvm: must run as user 185 (the Deployment's runAsUser)");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void statefulServicesAreNotAutoscaled() {
        // search-service: per-tenant indexes in memory, filled by whichever instance indexes a root;
        // atom-service: uploads spooled on the pod's own volume, jobs claimed by any instance.
        for (String service : List.of("search-service", "atom-service")) {
            assertThat(find("HorizontalPodAutoscaler", service)).as(service + " must not be autoscaled").isNull();
            assertThat(find("Deployment", service).node().path("spec").path("replicas").asInt())
                    .as(service + " replicas").isEqualTo(1);
        }
    }

    @Test
    void podsRunAsNonRootOnAReadOnlyRootWithWritableVolumes() {
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            Manifest deployment = find("Deployment", service);
            if (deployment == null) {
                problems.add(service + ": no Deployment");
                continue;
            }
            JsonNode spec = deployment.node().path("spec").path("template").path("spec");
            JsonNode container = container(deployment);
            String where = deployment.file() + " " + service;
            boolean nonRoot = spec.path("securityContext").path("runAsNonRoot").asBoolean(false)
                    || container.path("securityContext").path("runAsNonRoot").asBoolean(false);
            if (!nonRoot) {
                problems.add(where + ": runAsNonRoot");
            }
            if (!container.path("securityContext").path("readOnlyRootFilesystem").asBoolean(false)) {
                problems.add(where + ": readOnlyRootFilesystem");
            }
            if (container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)) {
                problems.add(where + ": allowPrivilegeEscalation: false");
            }
            if (!spec.has("terminationGracePeriodSeconds")) {
                problems.add(where + ": terminationGracePeriodSeconds");
            }
            Map<String, String> mounts = new HashMap<>();
            for (JsonNode m : container.path("volumeMounts")) {
                mounts.put(m.path("mountPath").asText(), m.path("name").asText());
            }
            Set<String> volumes = new TreeSet<>();
            for (JsonNode v : spec.path("volumes")) {
                volumes.add(v.path("name").asText());
            }
            if (!mounts.containsKey("/tmp")) {
                problems.add(where + ": /tmp must be a volume (the root filesystem is read-only)");
            }
            mounts.forEach((path, volume) -> {
                if (!volumes.contains(volume)) {
                    problems.add(where + ": mount " + path + " names no volume " + volume);
                }
            });
            // a directory the service writes to must be on a mounted volume
            for (JsonNode env : container.path("env")) {
                String name = env.path("name").asText();
                String value = env.path("value").asText(null);
                if (name.endsWith("_DIR") && value != null
                        && mounts.keySet().stream().noneMatch(m -> value.equals(m) || value.startsWith(m + "/"))) {
                    problems.add(where + ": " + name + "=" + value + " is not on a mounted volume");
                }
            }
            for (JsonNode probe : List.of(container.path("livenessProbe"), container.path("readinessProbe"))) {
                if (probe.isMissingNode()) {
                    problems.add(where + ": probes");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyEnvironmentVariableIsOneTheServiceReadsAndEveryReferencedKeyExists() throws IOException {
        Map<String, Set<String>> configMaps = keys("ConfigMap");
        Map<String, Set<String>> secrets = keys("Secret");
        String shared = Files.readString(root.resolve("common/src/main/resources/META-INF/microprofile-config.properties"));
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            Manifest deployment = find("Deployment", service);
            if (deployment == null) {
                problems.add(service + ": no Deployment");
                continue;
            }
            Set<String> known = knownVariables(service);
            Set<String> set = new TreeSet<>();
            String where = deployment.file() + " " + service;
            JsonNode container = container(deployment);
            for (JsonNode env : container.path("env")) {
                String name = env.path("name").asText();
                set.add(name);
                if (!known.contains(name) && !frameworkVariable(name, shared)) {
                    problems.add(where + ": " + name + " is read by no property of " + service
                            + " (application.properties, common's microprofile-config.properties, @ConfigMapping, @ConfigProperty)");
                }
                JsonNode from = env.path("valueFrom");
                checkKeyRef(problems, where, from.path("configMapKeyRef"), "ConfigMap", configMaps);
                checkKeyRef(problems, where, from.path("secretKeyRef"), "Secret", secrets);
                if (!env.has("value") && !from.has("configMapKeyRef") && !from.has("secretKeyRef")) {
                    problems.add(where + ": " + name + " has neither a value nor a ConfigMap/Secret key");
                }
            }
            for (JsonNode from : container.path("envFrom")) {
                for (String[] ref : List.of(new String[] {"configMapRef", "ConfigMap"}, new String[] {"secretRef", "Secret"})) {
                    if (from.has(ref[0])) {
                        String name = from.path(ref[0]).path("name").asText();
                        Set<String> refKeys = (ref[1].equals("ConfigMap") ? configMaps : secrets).get(name);
                        if (refKeys == null) {
                            problems.add(where + ": envFrom names no " + ref[1] + " " + name);
                            continue;
                        }
                        for (String key : refKeys) {
                            set.add(from.path("prefix").asText("") + key);
                            if (!known.contains(from.path("prefix").asText("") + key) && !frameworkVariable(key, shared)) {
                                problems.add(where + ": " + key + " (envFrom " + name + ") is read by no property of " + service);
                            }
                        }
                    }
                }
            }
            // what the service cannot run without in a cluster
            for (String required : requiredVariables(service)) {
                if (Stream.of(required.split("\\|")).noneMatch(set::contains)) {
                    problems.add(where + ": sets none of " + required);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void serviceUrlsNameServicesOfTheManifestsOnTheirPorts() {
        List<String> problems = new ArrayList<>();
        Pattern url = Pattern.compile("^https?://([a-z0-9-]+)(?:\\.[a-z0-9.-]+)?:(\\d+)/?$");
        for (Manifest cm : all("ConfigMap")) {
            cm.node().path("data").properties().forEach(e -> {
                if (e.getKey().endsWith("_URL")) {
                    Matcher m = url.matcher(e.getValue().asText());
                    Manifest target = m.matches() ? find("Service", m.group(1)) : null;
                    if (target == null || target.node().path("spec").path("ports").get(0).path("port").asInt() != Integer.parseInt(m.group(2))) {
                        problems.add(cm.file() + ": " + e.getKey() + "=" + e.getValue().asText() + " is no Service:port of k8s/");
                    }
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theSecretIsATemplateOfPlaceholders() {
        List<String> problems = new ArrayList<>();
        for (Manifest secret : all("Secret")) {
            if (secret.node().has("data")) {
                problems.add(secret.file() + ": use stringData placeholders, not encoded data");
            }
            secret.node().path("stringData").properties().forEach(e -> {
                if (!e.getValue().asText().trim().equals("REPLACE_ME")) {
                    problems.add(secret.file() + ": " + e.getKey() + " must be the placeholder REPLACE_ME in the repository");
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    // --- what a service reads ---------------------------------------------------------------

    /** Environment variable names the service reads: its properties in SmallRye's environment form, and variables named in expressions. */
    static Set<String> knownVariables(String service) throws IOException {
        Set<String> properties = new TreeSet<>();
        for (Path file : List.of(root.resolve(service).resolve("src/main/resources/application.properties"),
                root.resolve("common/src/main/resources/META-INF/microprofile-config.properties"))) {
            String text = Files.readString(file);
            for (String key : properties(file).stringPropertyNames()) {
                if (!key.startsWith("%")) {
                    properties.add(key);
                }
            }
            expressions(text, properties);
        }
        for (Path dir : List.of(root.resolve(service).resolve("src/main/java"), root.resolve("common/src/main/java"))) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(f);
                    properties.addAll(ConfigMappings.properties(source));
                    expressions(source, properties);
                }
            }
        }
        Set<String> variables = new TreeSet<>();
        for (String p : properties) {
            variables.add(environmentName(p));
        }
        return variables;
    }

    /** What a Deployment must set for the service to work in a cluster ("A|B": either). */
    static List<String> requiredVariables(String service) throws IOException {
        List<String> required = new ArrayList<>(List.of("HARTONOMOUS_DB_KIND", "HARTONOMOUS_DB_HOST", "HARTONOMOUS_DB_USER",
                "HARTONOMOUS_DB_PASSWORD", "MP_JWT_VERIFY_PUBLICKEY|MP_JWT_VERIFY_PUBLICKEY_LOCATION"));
        // every REST client: otherwise it calls localhost
        Path file = root.resolve(service).resolve("src/main/resources/application.properties");
        Properties props = properties(file);
        for (String key : props.stringPropertyNames()) {
            if (REST_CLIENT_URL.matcher(key).matches()) {
                Matcher m = EXPRESSION.matcher(props.getProperty(key));
                required.add(m.find() ? environmentName(m.group(1)) : environmentName(key));
            }
        }
        // services that sign service-to-service tokens
        try (Stream<Path> files = Files.walk(root.resolve(service).resolve("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String source = Files.readString(f);
                if (source.contains("ServiceTokens") || source.contains("hartonomous.service-token.private-key")) {
                    required.add("HARTONOMOUS_SERVICE_TOKEN_PRIVATE_KEY|HARTONOMOUS_SERVICE_TOKEN_PRIVATE_KEY_LOCATION");
                    break;
                }
            }
        }
        return required;
    }

    static boolean frameworkVariable(String name, String sharedConfiguration) {
        return FRAMEWORK_PROPERTIES.stream().anyMatch(p -> environmentName(p).equals(name))
                && Pattern.compile("\\b" + name + "\\b").matcher(sharedConfiguration).find();
    }

    static void expressions(String text, Set<String> into) {
        Matcher m = EXPRESSION.matcher(text);
        while (m.find()) {
            into.add(m.group(1).replace("\"", ""));
        }
    }

    /** SmallRye Config's environment form of a property name: upper case, anything else than a letter or digit becomes _. */
    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** {@code @ConfigMapping} interfaces (nested groups included) and {@code @ConfigProperty} names of one source file. */
    static final class ConfigMappings {

        static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"\\s*\\)");
        static final Pattern PROPERTY = Pattern.compile("@(?:[\\w.]+\\.)?ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
        static final Pattern METHOD = Pattern.compile("([\\w.<>?,\\[\\] ]+?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");
        static final Pattern WITH_NAME = Pattern.compile("@WithName\\(\\s*\"([^\"]+)\"\\s*\\)\\s*$");

        static List<String> properties(String source) {
            List<String> out = new ArrayList<>();
            Matcher p = PROPERTY.matcher(source);
            while (p.find()) {
                out.add(p.group(1));
            }
            Matcher m = MAPPING.matcher(source);
            while (m.find()) {
                Matcher decl = Pattern.compile("interface\\s+(\\w+)[^{]*\\{").matcher(source);
                if (decl.find(m.end())) {
                    group(source, decl.end() - 1, m.group(1), out, 0);
                }
            }
            return out;
        }

        /** The members of the interface whose body opens at {@code brace}. */
        static void group(String source, int brace, String prefix, List<String> out, int depth) {
            String body = topLevel(source, brace);
            Matcher method = METHOD.matcher(body);
            int last = 0;
            while (method.find()) {
                String before = body.substring(last, method.start());
                last = method.end();
                String type = method.group(1).trim();
                type = type.substring(type.lastIndexOf(' ') + 1);
                Matcher rename = WITH_NAME.matcher(before.trim());
                String name = prefix + "." + (rename.find() ? rename.group(1) : kebab(method.group(2)));
                Matcher nested = Pattern.compile("interface\\s+" + Pattern.quote(type) + "\\b[^{]*\\{").matcher(source);
                if (depth < 8 && nested.find()) {
                    group(source, nested.end() - 1, name, out, depth + 1);
                } else {
                    out.add(name);
                }
            }
        }

        /** The text between the brace at {@code open} and its match, without nested blocks. */
        static String topLevel(String source, int open) {
            StringBuilder out = new StringBuilder();
            int depth = 0;
            for (int i = open; i < source.length(); i++) {
                char c = source.charAt(i);
                if (c == '{') {
                    depth++;
                    if (depth == 2) {
                        out.append(';');
                    }
                } else if (c == '}') {
                    depth--;
                    if (depth == 0) {
                        break;
                    }
                } else if (depth == 1) {
                    out.append(c);
                }
            }
            // comments would otherwise read as part of a member's declaration
            return out.toString().replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
        }

        static String kebab(String camel) {
            return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        }
    }

    @Test
    void configMappingsAreReadAsSmallRyeNamesThem() {
        String source = """
                @ConfigMapping(prefix = "hartonomous.x")
                public interface XConfig {
                    /** A comment(); with parentheses. */
                    @WithDefault("1s")
                    Duration pollInterval();

                    Inner inner();

                    interface Inner {
                        @WithDefault("2")
                        int workers();
                    }
                }
                class Y { Y(@ConfigProperty(name = "hartonomous.y.z") String z) {} }
                """;
        assertThat(ConfigMappings.properties(source))
                .containsExactlyInAnyOrder("hartonomous.y.z", "hartonomous.x.poll-interval", "hartonomous.x.inner.workers");
        assertThat(environmentName("hartonomous.atom.ingest.spool-dir")).isEqualTo("HARTONOMOUS_ATOM_INGEST_SPOOL_DIR");
    }

    // --- manifests ---------------------------------------------------------------------------

    static List<Manifest> all(String kind) {
        return manifests.stream().filter(m -> m.kind().equals(kind)).toList();
    }

    static Manifest find(String kind, String name) {
        List<Manifest> found = all(kind).stream().filter(m -> m.name().equals(name)).toList();
        assertThat(found.size()).as(kind + " " + name + " defined at most once").isLessThanOrEqualTo(1);
        return found.isEmpty() ? null : found.getFirst();
    }

    static Manifest one(String kind, String name) {
        List<Manifest> found = all(kind).stream().filter(m -> name == null || m.name().equals(name)).toList();
        assertThat(found).as(kind + (name == null ? "" : " " + name)).hasSize(1);
        return found.getFirst();
    }

    static JsonNode container(Manifest deployment) {
        JsonNode containers = deployment.node().path("spec").path("template").path("spec").path("containers");
        assertThat(containers.size()).as(deployment.name() + ": one container").isEqualTo(1);
        return containers.get(0);
    }

    static Map<String, Set<String>> keys(String kind) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Manifest m : all(kind)) {
            Set<String> keys = out.computeIfAbsent(m.name(), n -> new TreeSet<>());
            for (String field : List.of("data", "stringData", "binaryData")) {
                m.node().path(field).fieldNames().forEachRemaining(keys::add);
            }
        }
        return out;
    }

    static void checkKeyRef(List<String> problems, String where, JsonNode ref, String kind, Map<String, Set<String>> defined) {
        if (ref.isMissingNode()) {
            return;
        }
        Set<String> keys = defined.get(ref.path("name").asText());
        if (keys == null || !keys.contains(ref.path("key").asText())) {
            problems.add(where + ": " + kind + " " + ref.path("name").asText() + " has no key " + ref.path("key").asText());
        }
    }

    static void checkProbe(List<String> problems, String where, JsonNode container, String probe, String path, int port, String portName) {
        JsonNode get = container.path(probe).path("httpGet");
        if (get.isMissingNode() || !get.path("path").asText().startsWith(path)
                || (path.endsWith("/live") || path.endsWith("/ready")) && !get.path("path").asText().equals(path)
                || !targets(get.path("port"), port, portName)) {
            problems.add(where + ": " + probe + " must GET " + path + " on port " + port + ", found " + get);
        }
    }

    static boolean targets(JsonNode port, int number, String name) {
        return port.isInt() ? port.asInt() == number : port.asText().equals(name) || port.asText().equals(String.valueOf(number));
    }

    static boolean selects(JsonNode selector, JsonNode labels) {
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : selector.properties()) {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    // --- the services' configuration ----------------------------------------------------------

    static Properties properties(Path file) throws IOException {
        Properties props = new Properties();
        props.load(new StringReader(Files.readString(file)));
        return props;
    }

    /** The default of {@code quarkus.http.port=${HARTONOMOUS_X_PORT:8081}} (or a plain number). */
    static int defaultPort(String value, String service) {
        assertThat(value).as(service + ": quarkus.http.port").isNotNull();
        Matcher m = HTTP_PORT.matcher(value.trim());
        assertThat(m.find()).as(service + ": quarkus.http.port has a default: " + value).isTrue();
        return Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
    }

    static String projectVersion() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            Document pom = factory.newDocumentBuilder().parse(root.resolve("pom.xml").toFile());
            var children = pom.getDocumentElement().getChildNodes();
            for (int i = 0; i < children.getLength(); i++) {
                if ("version".equals(children.item(i).getNodeName())) {
                    return children.item(i).getTextContent().trim();
                }
            }
            throw new IllegalStateException("no version in the root pom.xml");
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the root pom.xml", e);
        }
    }
}
