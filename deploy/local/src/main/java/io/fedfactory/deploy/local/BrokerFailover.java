package io.fedfactory.deploy.local;

import io.fedfactory.contracts.Topics;
import io.fedfactory.deploy.pki.LocalIdentities;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.DeleteModulesRequest;
import io.fedfactory.proto.v1.DeleteModulesResponse;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.GetCertificateRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.StartTrainingRequest;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.grpc.ManagedChannel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A federation on a 3-node KRaft cluster while brokers die: the node leading the module topic is
 * SIGKILLed in the middle of a site's upload, and, once it is back and in sync, the node leading the
 * model topic (another one) during training. The packaged aggregator and inference service run against
 * the cluster throughout. Afterwards the crash checker's invariants must hold, the topics replayed from
 * the start must hold every state change exactly once (none lost, none duplicated), and the inference
 * service, which built its state from the same topics, must serve the retrained version.
 */
@Command(name = "broker-failover", mixinStandardHelpOptions = true,
        description = "Run a federation on a 3-node Kafka cluster, SIGKILL a broker mid-upload and another mid-training, check no event is lost or duplicated.")
public final class BrokerFailover implements Callable<Integer> {

    private static final Pattern SERVED = Pattern.compile("\"servedVersion\"\\s*:\\s*\"([^\"]+)\"");

    @Option(names = "--root", description = "Project root (default: the working directory).")
    Path root = Path.of("").toAbsolutePath();
    @Option(names = "--run-dir", description = "Where the run writes (default ${DEFAULT-VALUE}).")
    Path runDir = Path.of("run/broker-failover");
    @Option(names = "--pki-dir", description = "Certificates (made on first use; default ${DEFAULT-VALUE}).")
    Path pkiDir = Path.of("run/pki");
    @Option(names = "--seed", description = "Seed of the federation and its modules (default ${DEFAULT-VALUE}).")
    long seed = 5;

    /** What the run found: the kills, the violations, the events lost and duplicated, and figures. */
    public record Outcome(List<String> kills, List<String> violations, Set<String> lost, Map<String, Integer> duplicates,
                          int events, Map<String, Double> seconds) {
    }

    private Outcome outcome;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BrokerFailover()).execute(args));
    }

    public Outcome outcome() {
        return outcome;
    }

    @Override
    public Integer call() throws Exception {
        Path dir = root.resolve(runDir).normalize().resolve("run-" + System.currentTimeMillis());
        Files.createDirectories(dir);
        LocalTls tls = LocalTls.ensure(root.resolve(pkiDir).normalize(), CrashTrials.SITES, this::say);
        String fed = "failover-" + seed;
        List<String> kills = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (BrokerCluster cluster = BrokerCluster.start(dir.resolve("kafka"), 3, "127.0.0.1", Duration.ofMinutes(5))) {
            seconds.put("cluster_start", (System.nanoTime() - t0) / 1e9);
            say("3-node cluster at %s (PIDs %d %d %d) in %.1f s", cluster.bootstrapServers(), cluster.pid(1), cluster.pid(2),
                    cluster.pid(3), seconds.get("cluster_start"));
            ServiceProcess aggregator = CrashTrials.startAggregator(root, cluster.bootstrapServers(), dir, tls);
            ServiceProcess inference = ServiceProcess.start("inference-svc", root.resolve("inference-svc/target/quarkus-app/quarkus-run.jar"),
                    Map.of("kafka.bootstrap.servers", cluster.bootstrapServers(), "fedfactory.inference.cache-dir",
                            dir.resolve("inference").toString(), "java.io.tmpdir", dir.toString(),
                            "fedfactory.aggregator.host", aggregator.address(),
                            "fedfactory.aggregator.grpc-port", String.valueOf(aggregator.grpcPort())),
                    "512m", dir.resolve("logs"), tls.service(LocalIdentities.INFERENCE));
            try (aggregator; inference) {
                aggregator.awaitReady(Duration.ofMinutes(3));
                inference.awaitReady(Duration.ofMinutes(3));
                long tf = System.nanoTime();
                TopicReplay.Accounting acc = run(cluster, aggregator, inference, tls, fed, kills, violations, seconds);
                seconds.put("federation", (System.nanoTime() - tf) / 1e9);
                acc.lost().forEach(k -> violations.add(k + " is not on the topics"));
                acc.duplicates().forEach((k, n) -> violations.add(k + " is on the topics " + n + " times"));
                outcome = new Outcome(List.copyOf(kills), List.copyOf(violations), acc.lost(), acc.duplicates(), acc.events(), seconds);
            }
        }
        say("kills: %s", kills);
        say("events replayed %d: lost %d, duplicated %d; %d violations %s; seconds %s", outcome.events(), outcome.lost().size(),
                TopicReplay.duplicated(outcome.duplicates()), violations.size(), violations, seconds);
        return violations.isEmpty() && kills.size() == 2 ? 0 : 1;
    }

    private TopicReplay.Accounting run(BrokerCluster cluster, ServiceProcess aggregator, ServiceProcess inference, LocalTls tls,
                                       String fed, List<String> kills, List<String> violations, Map<String, Double> seconds)
            throws Exception {
        ManagedChannel coordinator = tls.client(LocalIdentities.COORDINATOR).channel("127.0.0.1", aggregator.grpcPort(), 8 << 20);
        ManagedChannel auditorChannel = tls.client(LocalIdentities.AUDITOR).channel("127.0.0.1", aggregator.grpcPort(), 8 << 20);
        try {
            var admin = FederationAdminGrpc.newBlockingStub(coordinator);
            var auditor = FederationAdminGrpc.newBlockingStub(auditorChannel);
            CrashTrials.retry(() -> admin.createFederation(CreateFederationRequest.newBuilder().setSpec(CrashTrials.spec(fed, seed)).build()));

            // 1. Mid-upload of the second site: the node leading the module topic, where its admission is announced.
            Set<String> receipts = new LinkedHashSet<>();
            int[] first = {0};
            for (int s = 0; s < CrashTrials.SITES.size(); s++) {
                byte[] onnx = TinyDecoder.bytes(seed * 31 + s);
                ModuleManifest m = CrashTrials.manifest(s, onnx);
                ResumingUpload.Hook hook = s != 1 ? null : (stage, chunk, of) -> {
                    if (first[0] == 0 && stage == ResumingUpload.Stage.CHUNK_SENT && chunk == Math.max(1, of / 2)) {
                        first[0] = cluster.leaderOf(Topics.MODULES);
                        cluster.kill(first[0]);
                        kills.add("node " + first[0] + " (leader of " + Topics.MODULES + ") at chunk " + chunk + " of " + of
                                + " of " + CrashTrials.SITES.get(1) + "'s upload");
                        say("SIGKILL %s", kills.get(kills.size() - 1));
                    }
                };
                receipts.add(new ResumingUpload(tls.client(CrashTrials.site(CrashTrials.SITES.get(s))), aggregator.grpcPort(), fed,
                        m, onnx, hook).upload());
            }
            if (first[0] == 0) throw new AssertionError("the upload ended before the broker could be killed");
            seconds.put("restart_node_" + first[0], cluster.restart(first[0]));
            cluster.awaitInSync(Duration.ofSeconds(90));

            // 2. During training: the node leading the model topic, where the version will be published (another node).
            CrashTrials.retry(() -> admin.startTraining(StartTrainingRequest.newBuilder().setFederationId(fed).build()), "ALREADY_TRAINING");
            CrashTrials.await(() -> state(admin, fed), st -> st == FederationState.FEDERATION_STATE_TRAINING
                    || st == FederationState.FEDERATION_STATE_PUBLISHED, Duration.ofMinutes(5), "training", Duration.ofMillis(50));
            int leader = cluster.leaderOf(Topics.MODELS);
            int second = leader != first[0] ? leader : first[0] % 3 + 1;
            cluster.kill(second);
            kills.add("node " + second + (second == leader ? " (leader of " + Topics.MODELS + ")" : "") + " while "
                    + fed + " was " + state(admin, fed));
            say("SIGKILL %s", kills.get(kills.size() - 1));
            FederationState published = CrashTrials.await(() -> state(admin, fed), st -> st == FederationState.FEDERATION_STATE_PUBLISHED
                    || st == FederationState.FEDERATION_STATE_FAILED, Duration.ofMinutes(10), "publication");
            if (published != FederationState.FEDERATION_STATE_PUBLISHED) {
                throw new AssertionError(fed + " failed: " + admin.getFederationStatus(FederationStatusRequest.newBuilder()
                        .setFederationId(fed).build()).getMessage());
            }
            seconds.put("restart_node_" + second, cluster.restart(second));
            cluster.awaitInSync(Duration.ofSeconds(90));

            // 3. Unlearning on the healed cluster, then the checks.
            DeleteModulesResponse deletion = CrashTrials.retry(() -> auditor.deleteModules(DeleteModulesRequest.newBuilder()
                    .setFederationId(fed).setSiteId("site-c").setReason("broker failover run").build()));
            UnlearningCertificate cert = CrashTrials.await(() -> CrashTrials.retry(() -> auditor.getCertificate(
                            GetCertificateRequest.newBuilder().setCertificateId(deletion.getCertificateId()).build())),
                    UnlearningCertificate::getComplete, Duration.ofMinutes(10), "certificate " + deletion.getCertificateId());
            CrashTrials.await(() -> state(admin, fed), st -> st == FederationState.FEDERATION_STATE_PUBLISHED,
                    Duration.ofMinutes(10), "the retrained version");
            violations.addAll(new CrashChecker(admin, auditor, cluster.bootstrapServers(), fed, tls)
                    .check(receipts, new TreeSet<>(deletion.getDeletedModuleIdsList()), cert.getCertificateId(), null, new long[] {-1}));

            // The inference service rebuilt its state from the same topics: it serves the newest unrevoked version.
            String newest = CrashTrials.versions(admin, fed).stream().filter(v -> !v.getRevoked()).map(ModelVersionInfo::getVersion)
                    .reduce((a, b) -> b).orElse("");
            HttpClient http = tls.client(LocalIdentities.APPLICATION).httpClient(Duration.ofSeconds(5));
            HttpRequest get = HttpRequest.newBuilder(URI.create(inference.httpUrl() + "/v1/federations/" + fed)).build();
            try {
                CrashTrials.await(() -> served(http, get), newest::equals, Duration.ofMinutes(2), "served version " + newest);
            } catch (AssertionError e) {
                violations.add("the inference service does not serve " + newest + ": " + e.getMessage());
            }
            return TopicReplay.account(cluster.bootstrapServers(), fed, admin, List.of(cert.getCertificateId()));
        } finally {
            coordinator.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            auditorChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static FederationState state(FederationAdminGrpc.FederationAdminBlockingStub admin, String fed) {
        return CrashTrials.retry(() -> admin.getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(fed).build()))
                .getState();
    }

    /** The version the inference service answering {@code get} (GET /v1/federations/{id}) serves; "" if none or unreachable. */
    static String served(HttpClient http, HttpRequest get) {
        try {
            HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
            Matcher m = SERVED.matcher(r.body());
            return r.statusCode() == 200 && m.find() ? m.group(1) : "";
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void say(String format, Object... args) {
        System.out.printf("[broker-failover] " + format + "%n", args);
    }
}
