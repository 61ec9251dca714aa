package io.fedfactory.deploy.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fedfactory.deploy.pki.PkiCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Renders deploy/k8s's production overlay with {@code kubectl kustomize} (offline; no cluster) on a
 * copy holding real deploy/pki files, and reads every object into the Kubernetes API types (Fabric8's
 * model): a field the type does not have, or a value of the wrong type, fails here. Then checks what
 * the deployment promises: the aggregator's single-writer volume, replicas and autoscaling of
 * inference, probes and scrape annotations, who may reach which port, Strimzi's KRaft Kafka.
 */
class KubernetesManifestsTest {

    static final Path ROOT = Path.of(System.getProperty("fedfactory.root", "../..")).toAbsolutePath().normalize();
    static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    static List<JsonNode> documents;

    @BeforeAll
    static void render() throws Exception {
        assumeTrue(kubectl(), "kubectl is not on PATH: the manifests cannot be rendered here");
        Path copy = Files.createTempDirectory(Path.of("target"), "k8s-").toAbsolutePath();
        copyTree(ROOT.resolve("deploy/k8s"), copy);
        Path pki = copy.resolve("overlays/production/pki");
        assertEquals(0, PkiCommand.run("--dir", pki.toString(), "--sites", "hospital-a", "--kit", pki.resolve("kit").toString(),
                "--federation", "fed-prod", "--aggregator", "aggregator.fedfactory.svc:9081"));
        Process p = new ProcessBuilder("kubectl", "kustomize", copy.resolve("overlays/production").toString())
                .redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "kubectl kustomize failed: " + err);
        documents = new ArrayList<>();
        YAMLParser parser = new YAMLFactory().createParser(out);
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        yaml.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        System.out.printf("rendered %d objects: %s%n", documents.size(), documents.stream().map(d -> d.get("kind").asText()).toList());
    }

    @Test
    void everyObjectIsAValidKubernetesOrStrimziObject() throws Exception {
        Map<String, Class<? extends HasMetadata>> types = Map.of("Namespace", Namespace.class, "Secret", Secret.class,
                "Service", Service.class, "StatefulSet", StatefulSet.class, "Deployment", Deployment.class,
                "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class, "Job", Job.class, "NetworkPolicy", NetworkPolicy.class);
        Set<String> strimzi = Set.of("Kafka", "KafkaNodePool", "KafkaTopic");
        for (JsonNode d : documents) {
            String kind = d.get("kind").asText();
            if (strimzi.contains(kind)) {
                assertEquals("kafka.strimzi.io/v1beta2", d.get("apiVersion").asText(), kind);
                continue;
            }
            Class<? extends HasMetadata> type = types.get(kind);
            assertNotNull(type, "an object of an unexpected kind: " + kind);
            HasMetadata typed = JSON.treeToValue(d, type);
            if (!kind.equals("Namespace")) {
                assertEquals("fedfactory", typed.getMetadata().getNamespace(), kind + " " + typed.getMetadata().getName() + " namespace");
            }
            List<String> unknown = new ArrayList<>();
            unknownFields(typed, kind + " " + typed.getMetadata().getName(), unknown, new IdentityHashMap<>());
            assertEquals(List.of(), unknown, "fields the Kubernetes API types do not have");
        }
        assertEquals(Set.of("Namespace", "Secret", "Service", "StatefulSet", "Deployment", "HorizontalPodAutoscaler", "Job",
                "NetworkPolicy", "Kafka", "KafkaNodePool", "KafkaTopic"), kinds());
    }

    @Test
    void theAggregatorIsOneWriterWithItsOwnVolume() throws Exception {
        StatefulSet agg = one(StatefulSet.class, "aggregator");
        assertEquals(1, agg.getSpec().getReplicas());
        assertEquals("data", agg.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName());
        assertEquals(List.of("ReadWriteOnce"), agg.getSpec().getVolumeClaimTemplates().get(0).getSpec().getAccessModes());
        Container c = agg.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("data") && m.getMountPath().equals("/data")));
        assertTrue(env(c).get("FEDFACTORY_AGGREGATOR_DATA_DIR").startsWith("/data/"));
        assertEquals("fedfactory-kafka-bootstrap:9092", env(c).get("KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals("8Gi", c.getResources().getRequests().get("memory").toString(), "the overlay's patch applies");
    }

    @Test
    void inferenceRunsSeveralReplicasUnderAnAutoscaler() throws Exception {
        Deployment inf = one(Deployment.class, "inference-svc");
        HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class, "inference-svc");
        assertEquals(3, inf.getSpec().getReplicas());
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        assertEquals("inference-svc", hpa.getSpec().getScaleTargetRef().getName());
        assertTrue(hpa.getSpec().getMinReplicas() >= 2 && hpa.getSpec().getMaxReplicas() > hpa.getSpec().getMinReplicas());
        assertEquals("aggregator", env(inf.getSpec().getTemplate().getSpec().getContainers().get(0)).get("FEDFACTORY_AGGREGATOR_HOST"));
    }

    @Test
    void servicesHaveHealthProbesScrapeAnnotationsAndRunAsNonRoot() throws Exception {
        for (PodTemplateSpec t : List.of(one(StatefulSet.class, "aggregator").getSpec().getTemplate(),
                one(Deployment.class, "inference-svc").getSpec().getTemplate())) {
            Map<String, String> a = t.getMetadata().getAnnotations();
            assertEquals("true", a.get("prometheus.io/scrape"));
            assertEquals("/metrics", a.get("prometheus.io/path"));
            Container c = t.getSpec().getContainers().get(0);
            assertEquals(a.get("prometheus.io/port"), String.valueOf(port(c, "https")), c.getName() + " scrape port");
            for (Probe p : List.of(c.getLivenessProbe(), c.getReadinessProbe())) {
                assertTrue(p.getHttpGet().getPath().startsWith("/q/health/"), c.getName() + " probe " + p.getHttpGet().getPath());
                assertEquals("HTTPS", p.getHttpGet().getScheme());
            }
            assertTrue(c.getImage().startsWith("fedfactory/") && c.getImage().endsWith(":0.1.0"), c.getImage());
            assertTrue(t.getSpec().getSecurityContext().getRunAsNonRoot());
            assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/pki") && m.getReadOnly()));
        }
        Job site = one(Job.class, "site");
        assertEquals(List.of("--kit", "/kit", "--data", "/data"), site.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs());
        assertEquals("site", site.getSpec().getTemplate().getMetadata().getLabels().get("fedfactory.io/role"));
    }

    @Test
    void thePkiSecretsHoldEachPartysOwnFilesOnly() throws Exception {
        Map<String, Set<String>> keys = new java.util.TreeMap<>();
        for (JsonNode d : of("Secret")) {
            Secret s = JSON.treeToValue(d, Secret.class);
            keys.put(s.getMetadata().getName().replaceAll("-[a-z0-9]{10}$", ""), s.getData().keySet());
            s.getData().forEach((k, v) -> assertFalse(v.isEmpty(), k));
        }
        assertEquals(Set.of("ca.pem", "service-aggregator.pem", "service-aggregator-key.pem"), keys.get("aggregator-pki"));
        assertEquals(Set.of("ca.pem", "service-inference-svc.pem", "service-inference-svc-key.pem"), keys.get("inference-svc-pki"));
        assertEquals(Set.of("ca.pem", "site-hospital-a.pem", "site-hospital-a-key.pem", "site.properties"), keys.get("site-kit"));
        // The pods mount the generated (hashed) names: kustomize rewrote the references.
        String mounted = one(StatefulSet.class, "aggregator").getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("pki")).findFirst().orElseThrow().getSecret().getSecretName();
        assertTrue(mounted.matches("aggregator-pki-[a-z0-9]{10}"), mounted);
    }

    @Test
    void onlySitesReachTheUploadPortAndOnlyApplicationsReachInference() throws Exception {
        NetworkPolicy agg = one(NetworkPolicy.class, "aggregator-ingress");
        for (NetworkPolicyIngressRule r : agg.getSpec().getIngress()) {
            boolean upload = r.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == 9081);
            if (!upload) continue;
            for (var peer : r.getFrom()) {
                Map<String, String> pods = peer.getPodSelector() == null ? Map.of() : peer.getPodSelector().getMatchLabels();
                Map<String, String> ns = peer.getNamespaceSelector() == null ? Map.of() : peer.getNamespaceSelector().getMatchLabels();
                assertTrue("site".equals(pods.get("fedfactory.io/role")) || "inference-svc".equals(pods.get("app.kubernetes.io/name"))
                        || "ingress-nginx".equals(ns.get("kubernetes.io/metadata.name")), "who reaches 9081: " + peer);
            }
        }
        NetworkPolicy inf = one(NetworkPolicy.class, "inference-ingress");
        for (NetworkPolicyIngressRule r : inf.getSpec().getIngress()) {
            boolean api = r.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == 9082);
            if (!api) continue;
            for (var peer : r.getFrom()) {
                assertEquals("application", peer.getPodSelector().getMatchLabels().get("fedfactory.io/role"), "who reaches 9082: " + peer);
            }
        }
        NetworkPolicy site = one(NetworkPolicy.class, "site-egress");
        var toAggregator = site.getSpec().getEgress().stream().filter(e -> e.getPorts().stream()
                .anyMatch(p -> p.getPort().getIntVal() == 9081)).toList();
        assertEquals(1, toAggregator.size());
        assertEquals(Set.of(9081, 53), site.getSpec().getEgress().stream().flatMap(e -> e.getPorts().stream())
                .map(p -> p.getPort().getIntVal()).collect(java.util.stream.Collectors.toSet()), "a site may reach the aggregator and DNS only");
    }

    @Test
    void kafkaIsStrimziKraftWithThreeReplicatedNodes() throws Exception {
        GenericKubernetesResource kafka = JSON.treeToValue(of("Kafka").get(0), GenericKubernetesResource.class);
        assertEquals("enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/kraft"));
        assertEquals("enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/node-pools"));
        Map<String, Object> config = kafka.get("spec", "kafka", "config");
        assertEquals(3, config.get("default.replication.factor"));
        assertEquals(2, config.get("min.insync.replicas"));
        assertFalse(JSON.valueToTree(kafka.getAdditionalProperties().get("spec")).has("zookeeper"), "KRaft: no ZooKeeper");
        GenericKubernetesResource pool = JSON.treeToValue(of("KafkaNodePool").get(0), GenericKubernetesResource.class);
        assertEquals(kafka.getMetadata().getName(), pool.getMetadata().getLabels().get("strimzi.io/cluster"));
        assertEquals(List.of("controller", "broker"), pool.get("spec", "roles"));
        assertEquals(3, (Integer) pool.get("spec", "replicas"));
        List<JsonNode> topics = of("KafkaTopic");
        assertEquals(Set.copyOf(io.fedfactory.contracts.Topics.ALL),
                topics.stream().map(t -> t.get("metadata").get("name").asText()).collect(java.util.stream.Collectors.toSet()));
        for (JsonNode t : topics) {
            assertEquals(3, t.get("spec").get("replicas").asInt());
            assertEquals(2, t.get("spec").get("config").get("min.insync.replicas").asInt());
        }
    }

    // --- helpers

    private static Set<String> kinds() {
        return documents.stream().map(d -> d.get("kind").asText()).collect(java.util.stream.Collectors.toSet());
    }

    private static List<JsonNode> of(String kind) {
        return documents.stream().filter(d -> d.get("kind").asText().equals(kind)).toList();
    }

    private static <T extends HasMetadata> T one(Class<T> type, String name) throws Exception {
        for (JsonNode d : of(type.getSimpleName())) {
            T t = JSON.treeToValue(d, type);
            if (t.getMetadata().getName().equals(name)) return t;
        }
        throw new AssertionError("no " + type.getSimpleName() + " " + name);
    }

    private static Map<String, String> env(Container c) {
        Map<String, String> m = new java.util.HashMap<>();
        c.getEnv().forEach(e -> m.put(e.getName(), e.getValue()));
        return m;
    }

    private static int port(Container c, String name) {
        return c.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst().orElseThrow().getContainerPort();
    }

    /** Fabric8 types keep fields they do not know in additionalProperties: any entry there is a field Kubernetes lacks. */
    private static void unknownFields(Object o, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) throws Exception {
        if (o == null || seen.put(o, true) != null) return;
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) unknownFields(e, path + "[" + i++ + "]", unknown, seen);
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) unknownFields(e.getValue(), path + "." + e.getKey(), unknown, seen);
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) return;
        for (Method g : o.getClass().getMethods()) {
            if (g.getParameterCount() != 0 || !g.getName().startsWith("get") || g.getDeclaringClass() == Object.class) continue;
            Object v = g.invoke(o);
            if (g.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) unknown.add(path + ": " + extra.keySet());
                continue;
            }
            unknownFields(v, path + "." + g.getName().substring(3), unknown, seen);
        }
    }

    private static boolean kubectl() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path rel = from.relativize(p);
                if (rel.startsWith("overlays/production/pki")) continue;
                Path dst = to.resolve(rel.toString());
                if (Files.isDirectory(p)) Files.createDirectories(dst);
                else Files.copy(p, dst, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
