package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.platform.config.PulseConfig;

/**
 * The Kubernetes manifests of ops/kubernetes, checked without a cluster: every component runs non-root with the
 * probes, grace period, memory and volumes it needs, the configuration they mount is one {@code pulse} loads, and
 * no Service injects {@code PULSE_*} variables into the pods.
 */
class KubernetesManifestsTest {

    private static final Pattern XMX = Pattern.compile("-Xmx(\\d+)([mMgG])");

    @TempDir
    Path temp;

    private static List<JsonNode> manifests() {
        List<JsonNode> all = new ArrayList<>();
        for (Path file : OpsFiles.filesIn(OpsFiles.KUBERNETES, ".yaml")) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                all.addAll(OpsFiles.yamlDocuments(file));
            }
        }
        return all;
    }

    private static List<JsonNode> ofKind(String... kinds) {
        return manifests().stream().filter(m -> List.of(kinds).contains(m.path("kind").asText())).toList();
    }

    private static JsonNode named(String kind, String name) {
        return ofKind(kind).stream().filter(m -> m.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static Properties pulseProperties() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(named("ConfigMap", "pulse-config").path("data").path("pulse.properties").asText()));
        return properties;
    }

    /** A Kubernetes memory quantity in MiB (Mi and Gi are what these manifests use). */
    private static long mebibytes(String quantity) {
        if (quantity.endsWith("Gi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024;
        }
        assertThat(quantity).endsWith("Mi");
        return Long.parseLong(quantity.substring(0, quantity.length() - 2));
    }

    @Test
    void theMountedConfigurationIsOnePulseLoadsForARealCluster() throws Exception {
        Path file = temp.resolve("pulse.properties");
        Files.writeString(file, named("ConfigMap", "pulse-config").path("data").path("pulse.properties").asText());
        // unknown keys in a file are errors: this throws if the ConfigMap names one
        PulseConfig config = ConfigCatalog.load(file, Map.of(), Map.of());
        assertThat(config.embeddedKafka()).isFalse();
        assertThat(config.embeddedRegistry()).isFalse();
        Properties properties = pulseProperties();
        assertThat(properties.getProperty("management.http.host")).as("probes reach the pod IP").isEqualTo("0.0.0.0");
        assertThat(properties.getProperty("http.host")).isEqualTo("0.0.0.0");
    }

    @Test
    void everyComponentRunsNonRootWithProbesGraceAndBoundedMemory() throws Exception {
        Properties properties = pulseProperties();
        String dockerfileUser = Files.readAllLines(OpsFiles.root().resolve("Dockerfile")).stream()
                .filter(l -> l.startsWith("USER ")).findFirst().orElseThrow().substring(5).split(":")[0];
        Map<String, JsonNode> byComponent = new HashMap<>();
        for (JsonNode workload : ofKind("Deployment", "StatefulSet")) {
            String name = workload.path("metadata").path("name").asText();
            JsonNode pod = workload.path("spec").path("template").path("spec");
            assertThat(pod.path("enableServiceLinks").asBoolean(true)).as(name + ": no PULSE_PORT from a Service").isFalse();
            assertThat(pod.path("terminationGracePeriodSeconds").asInt()).as(name).isEqualTo(30);
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(name).isTrue();
            assertThat(pod.path("securityContext").path("runAsUser").asText()).as(name + " runs as the image's user")
                    .isEqualTo(dockerfileUser);
            assertThat(pod.path("containers")).as(name).hasSize(1);
            JsonNode container = pod.path("containers").get(0);
            String component = container.path("args").get(0).asText();
            assertThat(component).as(name).isIn("ingest", "indicators", "alerting", "publish");
            byComponent.put(component, workload);
            assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).as(name).isFalse();

            // --config names the file the ConfigMap volume provides
            List<String> args = new ArrayList<>();
            container.path("args").forEach(a -> args.add(a.asText()));
            String configFile = args.get(args.indexOf("--config") + 1);
            Map<String, String> mounts = new HashMap<>();
            container.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
            String configVolume = mounts.get(Path.of(configFile).getParent().toString());
            assertThat(configVolume).as(name + " mounts " + configFile).isNotNull();
            assertThat(pod.path("volumes").findValues("name").stream().map(JsonNode::asText)).contains(configVolume);
            assertThat(mounts).as(name + " has a volume at data.dir").containsKey(properties.getProperty("data.dir"));

            // probes on the port that serves /health and /ready for this component
            int port = Integer.parseInt(component.equals("publish") ? properties.getProperty("http.port")
                    : properties.getProperty("management.http.port"));
            Map<String, Integer> ports = new HashMap<>();
            container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
            assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).as(name).isEqualTo("/health");
            assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).as(name).isEqualTo("/ready");
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                String portName = container.path(probe).path("httpGet").path("port").asText();
                assertThat(ports.get(portName)).as(name + " " + probe + " port").isEqualTo(port);
            }

            // the heap fits the limit with room for metaspace, threads, RocksDB and direct buffers
            long limitMi = mebibytes(container.path("resources").path("limits").path("memory").asText());
            assertThat(limitMi).as(name + " memory limit").isLessThanOrEqualTo(768);
            String javaOpts = container.path("env").findParents("name").stream()
                    .filter(e -> e.path("name").asText().equals("PULSE_JAVA_OPTS")).findFirst().orElseThrow()
                    .path("value").asText();
            Matcher xmx = XMX.matcher(javaOpts);
            assertThat(xmx.find()).as(name + " sets -Xmx").isTrue();
            long heapMi = Long.parseLong(xmx.group(1)) * (xmx.group(2).equalsIgnoreCase("g") ? 1024 : 1);
            assertThat(heapMi).as(name + " heap").isLessThanOrEqualTo(512).isLessThan(limitMi);
            for (JsonNode env : container.path("env")) {
                assertThat(ConfigCatalog.isKnownEnvironmentVariable(env.path("name").asText())).as(name + " " + env).isTrue();
            }
            for (JsonNode from : container.path("envFrom")) {
                assertThat(from.path("secretRef").path("optional").asBoolean()).as(name + ": runs without the Secret").isTrue();
            }
        }
        assertThat(byComponent.keySet()).containsExactlyInAnyOrder("ingest", "indicators", "alerting", "publish");
        assertThat(byComponent.get("ingest").path("kind").asText()).isEqualTo("Deployment");
        assertThat(byComponent.get("publish").path("kind").asText()).isEqualTo("Deployment");
        assertThat(byComponent.get("publish").path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(byComponent.get("alerting").path("kind").asText()).isEqualTo("StatefulSet");
    }

    @Test
    void indicatorInstancesEachKeepTheirStateOnAVolumeOfTheirOwn() throws Exception {
        JsonNode indicators = named("StatefulSet", "pulse-indicators");
        JsonNode spec = indicators.path("spec");
        assertThat(spec.path("replicas").asInt()).isEqualTo(2);
        assertThat(spec.path("podManagementPolicy").asText()).isEqualTo("Parallel");
        String dataDir = pulseProperties().getProperty("data.dir");
        for (JsonNode statefulSet : ofKind("StatefulSet")) {
            String name = statefulSet.path("metadata").path("name").asText();
            JsonNode claim = statefulSet.path("spec").path("volumeClaimTemplates").get(0);
            assertThat(claim).as(name + " has a volume claim template").isNotNull();
            String claimName = claim.path("metadata").path("name").asText();
            JsonNode mount = statefulSet.path("spec").path("template").path("spec").path("containers").get(0)
                    .path("volumeMounts").findParents("mountPath").stream()
                    .filter(m -> m.path("mountPath").asText().equals(dataDir)).findFirst().orElseThrow();
            assertThat(mount.path("name").asText()).as(name + ": data.dir is on the per-pod claim").isEqualTo(claimName);
            JsonNode service = named("Service", statefulSet.path("spec").path("serviceName").asText());
            assertThat(service.path("spec").path("clusterIP").asText()).as(name + " governing Service is headless").isEqualTo("None");
        }
    }

    @Test
    void noServiceIsNamedPulseAndEveryServiceSelectsPods() {
        Map<String, JsonNode> podLabels = new HashMap<>();
        Set<String> portNames = new HashSet<>();
        for (JsonNode workload : ofKind("Deployment", "StatefulSet")) {
            podLabels.put(workload.path("metadata").path("name").asText(),
                    workload.path("spec").path("template").path("metadata").path("labels"));
            workload.path("spec").path("template").path("spec").path("containers").get(0).path("ports")
                    .forEach(p -> portNames.add(p.path("name").asText()));
            assertThat(workload.path("spec").path("selector").path("matchLabels").fields()).toIterable()
                    .allMatch(l -> workload.path("spec").path("template").path("metadata").path("labels")
                            .path(l.getKey()).asText().equals(l.getValue().asText()));
        }
        List<JsonNode> services = ofKind("Service");
        assertThat(services).isNotEmpty();
        for (JsonNode service : services) {
            String name = service.path("metadata").path("name").asText();
            // a Service named pulse makes Kubernetes inject PULSE_PORT, PULSE_SERVICE_HOST, ... into pods
            assertThat(name).as("Service name").isNotEqualTo("pulse").startsWith("pulse-");
            JsonNode selector = service.path("spec").path("selector");
            assertThat(podLabels.values()).as(name + " selects pods").anyMatch(labels -> {
                boolean all = true;
                for (var it = selector.fields(); it.hasNext();) {
                    var l = it.next();
                    all &= labels.path(l.getKey()).asText().equals(l.getValue().asText());
                }
                return all;
            });
            service.path("spec").path("ports").forEach(p -> assertThat(portNames).as(name).contains(p.path("targetPort").asText()));
        }
    }

    @Test
    void kustomizationAppliesEveryManifestButTheSecretExample() {
        JsonNode kustomization = OpsFiles.yaml(OpsFiles.KUBERNETES.resolve("kustomization.yaml"));
        List<String> resources = new ArrayList<>();
        kustomization.path("resources").forEach(r -> resources.add(r.asText()));
        List<String> files = OpsFiles.filesIn(OpsFiles.KUBERNETES, ".yaml").stream().map(f -> f.getFileName().toString())
                .filter(f -> !f.equals("kustomization.yaml") && !f.equals("secret-example.yaml")).toList();
        assertThat(resources).containsExactlyInAnyOrderElementsOf(files);
        assertThat(kustomization.path("namespace").asText()).isEqualTo(named("Namespace", "krakow-pulse")
                .path("metadata").path("name").asText());
    }

    @Test
    void theSecretExampleHoldsOnlyPlaceholdersUnderKnownSettings() {
        JsonNode secret = named("Secret", "pulse-credentials");
        assertThat(secret.path("stringData").size()).isPositive();
        secret.path("stringData").fields().forEachRemaining(e -> {
            assertThat(ConfigCatalog.isKnownEnvironmentVariable(e.getKey())).as(e.getKey()).isTrue();
            if (e.getKey().matches(".*(PASSWORD|JAAS|USER_INFO|TOKEN|SECRET).*")) {
                assertThat(e.getValue().asText()).as(e.getKey() + " is a placeholder").contains("CHANGE-ME");
            }
        });
        assertThat(named("StatefulSet", "pulse-indicators").path("spec").path("template").path("spec").path("containers")
                .get(0).path("envFrom").get(0).path("secretRef").path("name").asText()).isEqualTo("pulse-credentials");
    }
}
