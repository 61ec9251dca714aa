package io.fedfactory.deploy.local;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.Datasets;
import io.fedfactory.data.FashionMnist;
import io.fedfactory.data.Split;
import io.fedfactory.deploy.pki.LocalIdentities;
import io.fedfactory.partition.Partition;
import io.fedfactory.partition.SiloScheme;
import io.fedfactory.proto.v1.ClosePolicy;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.DeleteModulesRequest;
import io.fedfactory.proto.v1.DeleteModulesResponse;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.GetCertificateRequest;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.proto.v1.StartTrainingRequest;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A whole federation with every party on its own host: a {@link HostNetwork} of network namespaces on
 * one bridge, each with its own address. Three Kafka nodes (a KRaft cluster, one per host), the
 * aggregator, two inference-service replicas and three sites (client-node processes) run as the
 * packaged jars, each in its own namespace; the services' certificates carry their hosts' addresses as
 * subject alternative names. A site has a route to the aggregator's address only: it cannot reach the
 * broker. One site's uplink is slowed and, in the middle of its upload, cut ({@code ip link set down})
 * and restored; its upload must resume from the bytes the aggregator stored (then the limit is lifted).
 * Then training, serving on both replicas, the deletion of a site with both replicas refusing the revoked
 * version, the retrained version served, the certificate; finally the topics are replayed: no event lost,
 * none duplicated. The run tests networking, resumption, revocation and accounting, not learning, so its
 * training budgets are small.
 *
 * <p>{@code --single-host} runs the same federation with every party on this machine's 127.0.0.1 (no cut,
 * no slowed link), for the comparison. Without root or iproute2 the multi-host run is skipped with the reason.
 */
@Command(name = "multi-host", mixinStandardHelpOptions = true,
        description = "Run a federation with every party on its own network namespace (broker cluster, aggregator, two "
                + "inference replicas, three sites), cut one site's link mid-upload, unlearn, account for every event.")
public final class MultiHost implements Callable<Integer> {

    private static final Pattern RECEIPT = Pattern.compile("receipt: module (\\S+)");
    private static final Pattern RESUMED = Pattern.compile("resumes at byte (\\d+) of (\\d+)");
    private static final String SUBNET = "10.231.0";
    private static final int AGGREGATOR_GRPC = 9081;
    private static final int SERVICE_HTTPS = 8443;
    private static final int INFERENCE_GRPC = 9090;

    @Option(names = "--root", description = "Project root holding the packaged services (default: the working directory).")
    Path root = Path.of("").toAbsolutePath();
    @Option(names = "--run-dir", description = "Where the run writes (default ${DEFAULT-VALUE}).")
    Path runDir = Path.of("run/multi-host");
    @Option(names = "--single-host", description = "Every party on this machine's 127.0.0.1 instead (no namespaces, no cut).")
    boolean singleHost;
    @Option(names = "--seed", description = "Seed of the federation and the sites' training (default ${DEFAULT-VALUE}).")
    long seed = 3;
    @Option(names = "--images-per-class", description = "Fashion-MNIST training images per class a site holds (default ${DEFAULT-VALUE}).")
    int imagesPerClass = 60;
    @Option(names = "--decoder-epochs", description = "Epochs of each site's decoder (default ${DEFAULT-VALUE}).")
    int decoderEpochs = 1;
    @Option(names = "--audit-samples", description = "Samples each site's memorization audit draws from a module (default "
            + "${DEFAULT-VALUE}).")
    int auditSamples = 64;
    @Option(names = "--uplink", description = "Rate of the cut site's uplink until its upload has resumed, tc's units; then the "
            + "limit is lifted (default ${DEFAULT-VALUE}).")
    String uplink = "1mbit";
    @Option(names = "--cut-seconds", description = "How long the site's link stays down (default ${DEFAULT-VALUE}).")
    int cutSeconds = 20;
    @Option(names = "--cut-after-bytes", description = "Cut once the site has sent this many bytes more than before its upload "
            + "(default ${DEFAULT-VALUE}).")
    long cutAfterBytes = 96 * 1024;
    @Option(names = "--runtime", description = "How the aggregator, the inference replicas and the sites run: images (the "
            + "deploy/images tarballs under podman, each container joined to its host's namespace), jars, or auto: images where "
            + "podman, runc and the tarballs are there, else jars (default ${DEFAULT-VALUE}). The Kafka nodes always run as jars; "
            + "--single-host always runs jars.")
    String runtime = "auto";

    /** What a run found. */
    public record Outcome(String ran, boolean multiHost, Map<String, Double> seconds, Map<String, Object> figures,
                          List<String> violations, Set<String> lost, int duplicated, int events) {
    }

    private Outcome outcome;
    private final List<AutoCloseable> started = new ArrayList<>();
    /** The images the services and sites run from; null: the packaged jars. */
    private PodmanImages images;
    /** The run's folder, bound into every container at the same path. */
    private Path mount;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MultiHost()).execute(args));
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Why the multi-host run cannot happen on this machine (not root, no iproute2), or empty. */
    public static Optional<String> unavailable() {
        return HostNetwork.unavailable();
    }

    @Override
    public Integer call() throws Exception {
        if (!singleHost) {
            Optional<String> why = unavailable();
            if (why.isPresent()) {
                say("SKIPPED: the multi-host run needs network namespaces: %s", why.get());
                return 0;
            }
        }
        Path dir = root.resolve(runDir).normalize().resolve((singleHost ? "single-" : "hosts-") + System.currentTimeMillis());
        Files.createDirectories(dir);
        if (!List.of("auto", "images", "jars").contains(runtime)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--runtime must be auto, images or jars, not " + runtime);
        }
        if (!singleHost && !runtime.equals("jars")) {
            PodmanImages.Either found = PodmanImages.find(root);
            if (found.images() != null) {
                images = found.images();
            } else if (runtime.equals("images")) {
                throw new IllegalStateException("--runtime images: " + found.reason());
            } else {
                say("no images: %s; the jars run instead", found.reason());
            }
        }
        if (images != null) {
            for (String line : images.load()) say("image %s", line);
            say("ran: images (the aggregator, inference-svc and client-node images under podman, each container joined to "
                    + "its host's network namespace; the Kafka nodes as jars)");
        } else {
            say("ran: jars (the packaged aggregator, inference service, client node and Kafka nodes; no container images)");
        }
        Thread hook = new Thread(this::stopAll, "stop-multi-host");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            run(dir);
        } finally {
            stopAll();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        say("violations %d %s", outcome.violations().size(), outcome.violations());
        return outcome.violations().isEmpty() ? 0 : 1;
    }

    private void run(Path dir) throws Exception {
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        List<String> violations = new ArrayList<>();
        long t0 = System.nanoTime();

        // Sites' data: Fashion-MNIST, a few hundred images per class, classes dealt to three sites.
        Dataset train = Datasets.firstPerClass(FashionMnist.load(Split.TRAIN), "train", imagesPerClass);
        Dataset test = Datasets.firstPerClass(FashionMnist.load(Split.TEST), "test", 50);
        Partition partition = new SiloScheme(3).split(train, seed);
        List<Path> siteDirs = SiteFiles.write(train, test, partition, dir.resolve("sites"));
        List<String> siteIds = siteDirs.stream().map(d -> d.getFileName().toString()).toList();
        LocalTls tls = LocalTls.ensure(dir.resolve("pki"), siteIds, this::say);

        // Hosts: every party its own namespace and address; a site reaches the aggregator's address and nothing else.
        HostNetwork net = null;
        List<HostNetwork.Host> kafkaHosts = new ArrayList<>();
        HostNetwork.Host aggHost = null;
        List<HostNetwork.Host> infHosts = new ArrayList<>();
        List<HostNetwork.Host> siteHosts = new ArrayList<>();
        if (!singleHost) {
            net = HostNetwork.create("ffmh", SUBNET);
            HostNetwork network = net;
            started.add(network::close);
            aggHost = net.add("aggregator", 2, List.of());
            for (int i = 1; i <= 2; i++) infHosts.add(net.add("inference-" + i, 2 + i, List.of()));
            for (int i = 1; i <= 3; i++) kafkaHosts.add(net.add("kafka-" + i, 10 + i, List.of()));
            for (int i = 0; i < siteIds.size(); i++) siteHosts.add(net.add(siteIds.get(i), 21 + i, List.of(aggHost.address())));
            for (HostNetwork.Host h : net.hosts()) say("host %-11s %-12s namespace %s", h.name(), h.address(), h.namespace());
            tls.serviceHosts(LocalIdentities.AGGREGATOR, List.of(aggHost.address()));
            tls.serviceHosts(LocalIdentities.INFERENCE, infHosts.stream().map(HostNetwork.Host::address).toList());
            say("certificates: aggregator with SAN %s, inference with SANs %s (deploy/pki --service-hosts)", aggHost.address(),
                    infHosts.stream().map(HostNetwork.Host::address).toList());
            for (HostNetwork.Host s : siteHosts) {
                for (HostNetwork.Host k : kafkaHosts) {
                    if (net.routes(s, k.address())) violations.add(s.name() + " has a route to the broker at " + k.address());
                }
                if (!net.routes(s, aggHost.address())) violations.add(s.name() + " has no route to the aggregator");
            }
            say("sites' routes: to the aggregator %s only; to the brokers %s: none", aggHost.address(),
                    kafkaHosts.stream().map(HostNetwork.Host::address).toList());
        }

        long tc = System.nanoTime();
        BrokerCluster cluster = singleHost ? BrokerCluster.start(dir.resolve("kafka"), 3, "127.0.0.1", Duration.ofMinutes(10))
                : BrokerCluster.start(dir.resolve("kafka"), kafkaHosts, 9092, Duration.ofMinutes(10));
        started.add(0, cluster); // stopped after the services, before the network
        seconds.put("cluster_start", secondsSince(tc));
        say("Kafka cluster %s (PIDs %d %d %d) in %.1f s", cluster.bootstrapServers(), cluster.pid(1), cluster.pid(2), cluster.pid(3),
                seconds.get("cluster_start"));

        Map<String, String> env = Map.of("DJL_CACHE_DIR", root.resolve(".cache/djl").toString(), "OMP_NUM_THREADS", "1",
                "OMP_WAIT_POLICY", "PASSIVE");
        Path logs = dir.resolve("logs");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        mount = dir;
        if (images != null) PodmanImages.handOver(dir); // the certificates, the sites' images, the data folders
        ServiceProcess aggregator = service(aggHost, AGGREGATOR_GRPC, "aggregator", Map.of(
                "kafka.bootstrap.servers", cluster.bootstrapServers(),
                "fedfactory.aggregator.data-dir", dir.resolve("aggregator").toString(),
                "java.io.tmpdir", tmp.toString(), "ai.djl.offline", "true", "ai.djl.pytorch.num_interop_threads", "1",
                "fedfactory.limits.requests-per-second", "1000", "fedfactory.limits.burst", "1000"),
                "1536m", logs, env, tls);
        List<ServiceProcess> replicas = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            replicas.add(service(singleHost ? null : infHosts.get(i - 1), INFERENCE_GRPC, "inference-" + i, Map.of(
                    "kafka.bootstrap.servers", cluster.bootstrapServers(),
                    "fedfactory.aggregator.host", aggregator.address(),
                    "fedfactory.aggregator.grpc-port", String.valueOf(aggregator.grpcPort()),
                    "fedfactory.inference.cache-dir", dir.resolve("inference-" + i).toString(),
                    "java.io.tmpdir", tmp.toString()), "512m", logs, env, tls));
        }
        aggregator.awaitReady(Duration.ofMinutes(8));
        for (ServiceProcess r : replicas) r.awaitReady(Duration.ofMinutes(8));
        for (ServiceProcess p : concat(aggregator, replicas)) {
            say("%s PID %d at %s (gRPC %d), ready in %.1f s", p.name(), p.pid(), p.httpUrl(), p.grpcPort(), p.readySeconds());
        }

        ManagedChannel coordinator = tls.client(LocalIdentities.COORDINATOR).channel(aggregator.address(), aggregator.grpcPort(), 32 << 20);
        ManagedChannel auditorChannel = tls.client(LocalIdentities.AUDITOR).channel(aggregator.address(), aggregator.grpcPort(), 32 << 20);
        started.add(0, () -> coordinator.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        started.add(0, () -> auditorChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        var admin = FederationAdminGrpc.newBlockingStub(coordinator);
        var auditor = FederationAdminGrpc.newBlockingStub(auditorChannel);
        String fed = "hosts-" + seed;
        FederationSpec spec = FederationSpec.newBuilder().setFederationId(fed).addAllLabelNames(train.labelNames())
                .setImageSpec(ImageSpec.newBuilder().setChannels(1).setHeight(28).setWidth(28).setValueMin(0).setValueMax(1))
                .addAcceptedKinds(ModuleKind.MODULE_KIND_DECODER).setSamplesPerClass(CrashTrials.TINY_SAMPLES_PER_CLASS)
                .setSeed(seed).setRecipe(CrashTrials.TINY_RECIPE)
                .setClosePolicy(ClosePolicy.newBuilder().setExpectedSites(siteIds.size())).addAllEnrolledSiteIds(siteIds)
                .build();
        long tFed = System.nanoTime();
        CrashTrials.retry(() -> admin.withDeadlineAfter(30, TimeUnit.SECONDS)
                .createFederation(CreateFederationRequest.newBuilder().setSpec(spec).build()));

        // Sites: each its client node on its own host, given the aggregator's address and its own certificate only.
        int cut = 1;
        if (net != null) net.shape(siteHosts.get(cut), uplink);
        long baseline = net == null ? 0 : net.sentBytes(siteHosts.get(cut));
        List<ServiceProcess> sites = new ArrayList<>();
        for (int i = 0; i < siteDirs.size(); i++) {
            Path d = siteDirs.get(i);
            Map<String, String> siteConfig = Map.of("java.io.tmpdir", tmp.toString(),
                    "ai.djl.offline", "true", "ai.djl.pytorch.num_interop_threads", "1",
                    // The uploader's "resumes at byte N of M" (INFO; the node logs warnings only by default).
                    "org.slf4j.simpleLogger.log.io.fedfactory.client.upload.ModuleUploader", "info");
            List<String> siteArgs = tls.siteArgs(List.of("--site-id", siteIds.get(i), "--federation", fed, "--data", d.toString(),
                    "--format", "idx", "--aggregator", aggregator.address() + ":" + aggregator.grpcPort(), "--kind", "decoder",
                    "--decoder-epochs", String.valueOf(decoderEpochs), "--audit-samples", String.valueOf(auditSamples),
                    "--seed", String.valueOf(seed), "--threads", "1", "--chunk-kib", "16"));
            String site = "site-" + siteIds.get(i);
            sites.add(images != null
                    ? ServiceProcess.startContainer(images, "client-node", siteHosts.get(i), 0, 0, site, List.of(dir), siteConfig,
                            "768m", logs, PodmanImages.containerEnv(env), siteArgs, ServiceTls.plaintext())
                    : ServiceProcess.startOn(singleHost ? null : siteHosts.get(i), 0, 0, site,
                            root.resolve("client-node/target/client-node.jar"), siteConfig, "768m", logs, env, siteArgs,
                            ServiceTls.plaintext(), null));
            started.add(0, sites.get(i));
        }
        if (net != null) {
            HostNetwork.Host victim = siteHosts.get(cut);
            ServiceProcess site = sites.get(cut);
            long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
            while (net.sentBytes(victim) - baseline < cutAfterBytes) {
                if (!site.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(site.name() + " ended (or sent too little) before its link could be cut:\n"
                            + site.logTail(20));
                }
                CrashTrials.sleep(10);
            }
            net.cut(victim);
            figures.put("cut_seconds", cutSeconds);
            long sentAtCut = net.sentBytes(victim) - baseline;
            say("CUT %s's link (%s down) after it sent %d bytes of its upload", victim.name(), victim.link(), sentAtCut);
            CrashTrials.sleep(cutSeconds * 1000L);
            net.restore(victim);
            long up = System.nanoTime();
            say("restored %s's link after %d s", victim.name(), cutSeconds);
            Matcher m = null;
            while (System.nanoTime() < up + Duration.ofMinutes(5).toNanos()) {
                m = RESUMED.matcher(site.logTail(400));
                if (m.find() || !site.isAlive()) break;
                CrashTrials.sleep(20);
            }
            if (m != null && RESUMED.matcher(site.logTail(400)).find()) {
                seconds.put("resume_after_link_up", secondsSince(up));
                long from = Long.parseLong(m.group(1));
                long total = Long.parseLong(m.group(2));
                figures.put("resumed_at_byte", from);
                figures.put("module_bytes", total);
                say("%s's upload resumed at byte %d of %d (the aggregator's stored offset) %.2f s after its link came back",
                        victim.name(), from, total, seconds.get("resume_after_link_up"));
                if (from <= 0 || from >= total) violations.add("the upload resumed at byte " + from + " of " + total + ", not mid-module");
            } else {
                violations.add(site.name() + " never resumed its upload after the link came back:\n" + site.logTail(20));
            }
            // The slow uplink was there to place the cut inside a module; the rest of the site's modules go at full rate.
            net.unshape(victim);
            say("lifted the %s limit on %s's uplink", uplink, victim.name());
        }
        Set<String> printed = new LinkedHashSet<>();
        for (ServiceProcess s : sites) {
            int rc = s.awaitExit(Duration.ofMinutes(20));
            if (rc != 0) throw new IllegalStateException(s.name() + " failed (exit " + rc + "):\n" + s.logTail(20));
            Matcher m = RECEIPT.matcher(s.logTail(400));
            while (m.find()) printed.add(m.group(1));
        }
        // A site prints its receipt's module id shortened to 12 characters: the full id is the one module it begins.
        List<String> known = CrashTrials.modules(admin, fed).stream().map(io.fedfactory.proto.v1.ModuleRecord::getModuleId).toList();
        Set<String> receipts = new LinkedHashSet<>();
        for (String shortId : printed) {
            List<String> full = known.stream().filter(id -> id.startsWith(shortId)).toList();
            receipts.add(full.size() == 1 ? full.get(0) : shortId);
        }
        seconds.put("sites", secondsSince(tFed));
        say("%d receipts from %d sites in %.1f s", receipts.size(), sites.size(), seconds.get("sites"));

        // Training; both replicas serve the version.
        long tTrain = System.nanoTime();
        CrashTrials.retry(() -> admin.startTraining(StartTrainingRequest.newBuilder().setFederationId(fed).build()), "ALREADY_TRAINING");
        HttpClient http = tls.client(LocalIdentities.APPLICATION).httpClient(Duration.ofSeconds(5));
        String v1 = awaitServedOnBoth(http, replicas, fed, "", Duration.ofMinutes(20));
        seconds.put("training_to_served_on_both", secondsSince(tTrain));
        say("%s served by both replicas %.1f s after StartTraining", v1, seconds.get("training_to_served_on_both"));
        List<InferenceProbe> probes = new ArrayList<>();
        for (ServiceProcess r : replicas) {
            InferenceProbe p = new InferenceProbe(tls.client(LocalIdentities.APPLICATION), r.address(), r.grpcPort(), fed, 28);
            probes.add(p);
            started.add(0, p);
            String answered = p.predict(v1).getModelVersion();
            say("%s predicts with %s", r.name(), answered);
            if (!answered.equals(v1)) violations.add(r.name() + " answered with " + answered + ", not " + v1);
        }

        // Unlearning: delete one site; both replicas must refuse the revoked version, then serve the retrained one.
        String deleted = siteIds.get(siteIds.size() - 1);
        long tDel = System.nanoTime();
        long delMillis = System.currentTimeMillis();
        DeleteModulesResponse deletion = CrashTrials.retry(() -> auditor.withDeadlineAfter(60, TimeUnit.SECONDS).deleteModules(
                DeleteModulesRequest.newBuilder().setFederationId(fed).setSiteId(deleted).setReason("consent withdrawn")
                        .setRequestedBy(LocalIdentities.AUDITOR.toString()).build()));
        List<CompletableFuture<Long>> refusals = new ArrayList<>();
        for (InferenceProbe p : probes) refusals.add(CompletableFuture.supplyAsync(() -> refusedAt(p, v1, Duration.ofMinutes(2))));
        List<Long> refusedAt = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            long at = refusals.get(i).get();
            refusedAt.add(at);
            if (at < 0) {
                violations.add(replicas.get(i).name() + " did not refuse the revoked " + v1 + " within 2 minutes");
            } else {
                seconds.put("revocation_" + replicas.get(i).name(), (at - delMillis) / 1e3);
            }
        }
        say("deleted %s's modules %s; revoked %s; both replicas refuse %s: %s s after the deletion request",
                deleted, deletion.getDeletedModuleIdsList(), deletion.getRevokedVersionsList(), v1,
                replicas.stream().map(r -> String.valueOf(seconds.get("revocation_" + r.name()))).toList());
        String v2 = awaitServedOnBoth(http, replicas, fed, v1, Duration.ofMinutes(20));
        seconds.put("deletion_to_retrained_on_both", secondsSince(tDel));
        UnlearningCertificate cert = CrashTrials.await(() -> CrashTrials.retry(() -> auditor.getCertificate(
                        GetCertificateRequest.newBuilder().setCertificateId(deletion.getCertificateId()).build())),
                UnlearningCertificate::getComplete, Duration.ofMinutes(20), "certificate " + deletion.getCertificateId());
        seconds.put("federation", secondsSince(tFed));
        say("%s served by both replicas %.1f s after the deletion; certificate %s complete, from-scratch match %s",
                v2, seconds.get("deletion_to_retrained_on_both"), cert.getCertificateId(), cert.getFromScratchMatches());

        // Revocation as each replica's own answers show it: the revoked version answered no request after the replica's refusal.
        for (int i = 0; i < probes.size(); i++) {
            long refused = refusedAt.get(i);
            long late = probes.get(i).answers().stream().filter(a -> a.version().equals(v1) && refused >= 0 && a.sentMillis() > refused)
                    .count();
            if (late > 0) violations.add(replicas.get(i).name() + " answered " + late + " requests with " + v1 + " after refusing it");
        }
        violations.addAll(new CrashChecker(admin, auditor, cluster.bootstrapServers(), fed, tls).check(receipts,
                new TreeSet<>(deletion.getDeletedModuleIdsList()), cert.getCertificateId(), probes.get(0), new long[] {-1}));
        TopicReplay.Accounting acc = TopicReplay.account(cluster.bootstrapServers(), fed, admin, List.of(cert.getCertificateId()));
        acc.lost().forEach(k -> violations.add(k + " is not on the topics"));
        acc.duplicates().forEach((k, n) -> violations.add(k + " is on the topics " + n + " times"));
        figures.put("v1", v1);
        figures.put("v2", v2);
        figures.put("receipts", receipts.size());
        seconds.put("total", secondsSince(t0));
        say("%s", acc);
        say("events lost %d, duplicated %d", acc.lost().size(), acc.duplicated());
        String ran = images != null ? "images" : "jars";
        outcome = new Outcome(ran, !singleHost, seconds, figures, List.copyOf(violations), acc.lost(), acc.duplicated(), acc.events());
        say("%s run (ran: %s): seconds %s; %s", singleHost ? "single-host" : "multi-host", ran, seconds, figures);
    }

    private ServiceProcess service(HostNetwork.Host host, int grpc, String name, Map<String, String> config, String heap,
                                   Path logs, Map<String, String> env, LocalTls tls) {
        String app = name.startsWith("inference") ? "inference-svc" : name;
        Path jar = root.resolve(app).resolve("target/quarkus-app/quarkus-run.jar");
        var identity = app.equals("aggregator") ? LocalIdentities.AGGREGATOR : LocalIdentities.INFERENCE;
        ServiceProcess p = host == null
                ? ServiceProcess.start(name, jar, config, heap, logs, env, List.of(), tls.service(identity), null)
                : images != null
                ? ServiceProcess.startContainer(images, app, host, SERVICE_HTTPS, grpc, name, List.of(mount), config, heap, logs,
                        PodmanImages.containerEnv(env), List.of(), tls.service(identity))
                : ServiceProcess.startOn(host, SERVICE_HTTPS, grpc, name, jar, config, heap, logs, env, List.of(),
                        tls.service(identity), null);
        started.add(0, p);
        return p;
    }

    /** Waits until every replica serves the same version other than {@code not}, and returns it. */
    private static String awaitServedOnBoth(HttpClient http, List<ServiceProcess> replicas, String fed, String not, Duration limit) {
        List<HttpRequest> gets = replicas.stream()
                .map(r -> HttpRequest.newBuilder(URI.create(r.httpUrl() + "/v1/federations/" + fed)).timeout(Duration.ofSeconds(5)).build())
                .toList();
        return CrashTrials.await(() -> {
            String first = BrokerFailover.served(http, gets.get(0));
            for (HttpRequest g : gets) if (!BrokerFailover.served(http, g).equals(first)) return "";
            return first;
        }, v -> !v.isEmpty() && !v.equals(not), limit, "a version other than '" + not + "' served by every replica");
    }

    /** Asks for {@code version} until the replica refuses it; the refusal's epoch ms, or -1 within {@code limit}. */
    private static long refusedAt(InferenceProbe probe, String version, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            long sent = System.currentTimeMillis();
            try {
                probe.predict(version);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE
                        && e.getStatus().getCode() != io.grpc.Status.Code.DEADLINE_EXCEEDED) return sent;
            }
            CrashTrials.sleep(20);
        }
        return -1;
    }

    private static List<ServiceProcess> concat(ServiceProcess first, List<ServiceProcess> rest) {
        List<ServiceProcess> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    private synchronized void stopAll() {
        for (AutoCloseable c : started) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e);
            }
        }
        started.clear();
    }

    private static double secondsSince(long t) {
        return Math.round((System.nanoTime() - t) / 1e7) / 100.0;
    }

    void say(String format, Object... args) {
        System.out.printf("[multi-host] " + format + "%n", args);
    }
}
