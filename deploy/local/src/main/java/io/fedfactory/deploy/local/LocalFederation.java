package io.fedfactory.deploy.local;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.FashionMnist;
import io.fedfactory.data.Split;
import io.fedfactory.deploy.pki.LocalIdentities;
import io.fedfactory.partition.Partition;
import io.fedfactory.partition.SiloScheme;
import io.fedfactory.proto.v1.ClassifierRecipe;
import io.fedfactory.proto.v1.ClosePolicy;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.DeleteModulesRequest;
import io.fedfactory.proto.v1.DeleteModulesResponse;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.FederationStatus;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.GetCertificateRequest;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ListModelVersionsRequest;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.proto.v1.StartTrainingRequest;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.fedfactory.storage.AtomicFiles;
import io.grpc.ManagedChannel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The main job, on one machine: a real Kafka broker, the aggregator, the inference service and one
 * client-node process per site, on Fashion-MNIST split one class per site. Runs the federation to a
 * served model, evaluates it, asks the inference service about real test images, deletes one site's
 * modules, shows the revoked version refused and the new model, prints the certificate, stops
 * everything it started and writes a JSON summary.
 */
@Command(name = "run-local", mixinStandardHelpOptions = true, version = "fedfactory 0.1.0",
        description = "Run a whole federation locally on Fashion-MNIST, end to end, then unlearn one site.")
public final class LocalFederation implements Callable<Integer> {

    @Option(names = "--sites", defaultValue = "10", description = "Sites (classes are dealt one per site; default: ${DEFAULT-VALUE}).")
    int sites;
    @Option(names = "--kind", defaultValue = "decoder", description = "Module kind the sites train: decoder, diffusion or latent-diffusion (default: ${DEFAULT-VALUE}).")
    String kind;
    @Option(names = "--decoder-epochs", defaultValue = "10", description = "Epochs of each site's decoder (default: ${DEFAULT-VALUE}).")
    int decoderEpochs;
    @Option(names = "--diffusion-steps", defaultValue = "300", description = "Steps of each site's diffusion module (default: ${DEFAULT-VALUE}).")
    int diffusionSteps;
    @Option(names = "--diffusion-sampler-steps", defaultValue = "10",
            description = "Heun steps the aggregator samples diffusion modules with (the paper: 50; default: ${DEFAULT-VALUE}).")
    int diffusionSamplerSteps;
    @Option(names = "--samples-per-class", defaultValue = "2000", description = "Synthetic samples per class (default: ${DEFAULT-VALUE}).")
    int samplesPerClass;
    @Option(names = "--classifier-epochs", defaultValue = "3", description = "Global classifier epochs (default: ${DEFAULT-VALUE}).")
    int classifierEpochs;
    @Option(names = "--input-blur", defaultValue = "1.5",
            description = "Sigma in pixels of the Gaussian low-pass the global classifier reads every image through: "
                    + "its synthetic training images, and the real images it is asked about, inside its ONNX graph "
                    + "(bench/results/NOTES.md, round 5); 0: none (default: ${DEFAULT-VALUE}).")
    float inputBlur;
    @Option(names = "--seed", defaultValue = "1", description = "Federation seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--delete-site", defaultValue = "site-03", description = "Site whose modules are deleted at the end (default: ${DEFAULT-VALUE}).")
    String deleteSite;
    @Option(names = "--parallel-sites", defaultValue = "3", description = "Client nodes running at once (default: ${DEFAULT-VALUE}).")
    int parallelSites;
    @Option(names = "--run-dir", defaultValue = "run/local", description = "Where data, logs and the summary go (default: ${DEFAULT-VALUE}).")
    Path runDir;
    @Option(names = "--pki-dir",
            description = "The federation's certificates, made here on first run by the same code as deploy/pki "
                    + "(relative to --root; default: run/pki, or <run-dir>/pki with --runtime images, a folder "
                    + "handed to the images' user).")
    Path pkiDir;
    @Option(names = "--runtime", defaultValue = "jars",
            description = "How the aggregator, the inference service and the client nodes run: jars (the packaged "
                    + "programs as child processes) or images (the OCI images of deploy/images under podman and runc, "
                    + "on this machine's network; needs root, podman, runc and the tarballs, which deploy/run-local "
                    + "builds with -Pimages). The Kafka broker and the console run as jars either way "
                    + "(default: ${DEFAULT-VALUE}).")
    String runtime;
    @Option(names = "--plaintext", description = "Run every connection without TLS and predictions without credentials "
            + "(fedfactory.tls.enabled=false): only to measure what TLS costs.")
    boolean plaintext;
    @Option(names = "--max-copy-rate", defaultValue = "0.05",
            description = "Privacy policy of the federation: every module must carry a memorization report that passed, "
                    + "with copy rate at most this; a negative value sets no privacy policy (default: ${DEFAULT-VALUE}).")
    double maxCopyRate;
    @Option(names = "--dp-noise", defaultValue = "0",
            description = "Sites train their modules (any --kind) with DP-SGD at this noise multiplier (0: no DP; "
                    + "default: ${DEFAULT-VALUE}).")
    double dpNoise;
    @Option(names = "--max-epsilon", defaultValue = "-1",
            description = "Privacy policy: every module must be trained with DP-SGD at epsilon at most this, at delta "
                    + "1e-5 (negative: DP not required; default: ${DEFAULT-VALUE}).")
    double maxEpsilon;
    @Option(names = "--console", description = "Also start the web console (https://127.0.0.1:<port>) and print how to log in.")
    boolean withConsole;
    @Option(names = "--keep-open", description = "At the end, keep every service (and the console) running until Ctrl-C.")
    boolean keepOpen;
    @Option(names = "--root", defaultValue = ".", description = "Project root holding the packaged services (default: ${DEFAULT-VALUE}).")
    Path root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, Object> summary = new LinkedHashMap<>();
    /** The images the services and sites run from; null: the packaged jars. */
    private PodmanImages images;
    /** The folders bound into every container at their own paths: the run folder, and the certificates' if apart. */
    private List<Path> containerFolders;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final long t0 = System.nanoTime();

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalFederation()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        runDir = runDir.toAbsolutePath().normalize();
        root = root.toAbsolutePath().normalize();
        if (!List.of("jars", "images").contains(runtime)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runtime must be jars or images, not " + runtime);
        }
        if (runtime.equals("images")) {
            PodmanImages.Either found = PodmanImages.find(root);
            if (found.images() == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--runtime images: " + found.reason());
            }
            images = found.images();
        }
        pkiDir = pkiDir != null ? root.resolve(pkiDir).normalize()
                : images != null ? runDir.resolve("pki") : root.resolve("run/pki");
        containerFolders = pkiDir.startsWith(runDir) || plaintext ? List.of(runDir) : List.of(runDir, pkiDir);
        Files.createDirectories(runDir);
        // Every run starts from nothing: a fresh broker, store and site folders under the run directory.
        for (String owned : List.of("kafka", "aggregator", "inference", "console", "sites", "logs", "tmp")) {
            deleteTree(runDir.resolve(owned));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "stop-local-federation"));
        try {
            run();
            return 0;
        } finally {
            stopAll();
            Path out = runDir.resolve("summary.json");
            Files.writeString(out, io.fedfactory.json.Json.pretty(summary) + "\n");
            say("summary written to %s", out);
        }
    }

    private void run() throws Exception {
        step("1. Fashion-MNIST, one class per site, written to each site's folder");
        Dataset train = FashionMnist.load(Split.TRAIN);
        Dataset test = FashionMnist.load(Split.TEST);
        Partition partition = new SiloScheme(sites).split(train, seed);
        List<Path> siteDirs = SiteFiles.write(train, test, partition, runDir.resolve("sites"));
        List<String> siteIds = siteDirs.stream().map(d -> d.getFileName().toString()).toList();
        say("%d sites under %s", siteDirs.size(), runDir.resolve("sites"));
        LocalTls tls = plaintext ? LocalTls.plaintext(this::say) : LocalTls.ensure(pkiDir, siteIds, this::say);
        summary.put("tls", !plaintext);
        summary.put("runtime", runtime);
        if (images != null) {
            for (String line : images.load()) say("image %s", line);
            tmp();
            containerFolders.forEach(PodmanImages::handOver); // the sites' images, the data folders, the certificates
            say("ran: images (the aggregator, inference-svc and client-node images under podman, on this machine's network; "
                    + "the Kafka broker%s as jars)", withConsole || keepOpen ? " and the console" : "");
        } else {
            say("ran: jars (the packaged aggregator, inference service and client node as child processes)");
        }

        step("2. Kafka broker, aggregator, inference service");
        BrokerProcess broker = BrokerProcess.start(runDir.resolve("kafka"), Duration.ofSeconds(90));
        started.add(broker);
        say("Kafka broker PID %d at %s, ready in %.1f s", broker.pid(), broker.bootstrapServers(), broker.readySeconds());
        Map<String, String> env = mlEnvironment();
        ServiceProcess aggregator = program("aggregator", "aggregator", Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "fedfactory.aggregator.data-dir", runDir.resolve("aggregator").toString(),
                "fedfactory.synthesis.diffusion-steps", String.valueOf(diffusionSamplerSteps),
                "java.io.tmpdir", tmp().toString(), "ai.djl.offline", "true",
                "ai.djl.pytorch.num_interop_threads", "1"), "3g", env, List.of(), tls.service(LocalIdentities.AGGREGATOR));
        started.add(aggregator);
        ServiceProcess inference = program("inference-svc", "inference-svc", Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "fedfactory.aggregator.grpc-port", String.valueOf(aggregator.grpcPort()),
                "fedfactory.inference.cache-dir", runDir.resolve("inference").toString(),
                "fedfactory.inference.require-application-credential", String.valueOf(!plaintext),
                "java.io.tmpdir", tmp().toString()), "768m", env, List.of(), tls.service(LocalIdentities.INFERENCE));
        started.add(inference);
        aggregator.awaitReady(Duration.ofSeconds(180));
        inference.awaitReady(Duration.ofSeconds(180));
        if (withConsole || keepOpen) startConsole(broker, aggregator, tls);
        for (ServiceProcess p : List.of(aggregator, inference)) {
            say("%s PID %d: HTTP %s, gRPC %d, ready in %.1f s, log %s", p.name(), p.pid(), p.httpUrl(), p.grpcPort(),
                    p.readySeconds(), p.log());
        }

        // The coordinator runs the federation, the auditor unlearns: each over its own mutual-TLS channel.
        ManagedChannel channel = tls.client(LocalIdentities.COORDINATOR).channel("127.0.0.1", aggregator.grpcPort(), 32 << 20);
        started.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        var admin = FederationAdminGrpc.newBlockingStub(channel);
        ManagedChannel auditorChannel = tls.client(LocalIdentities.AUDITOR).channel("127.0.0.1", aggregator.grpcPort(), 32 << 20);
        started.add(() -> auditorChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        var auditor = FederationAdminGrpc.newBlockingStub(auditorChannel);
        String fed = "fmnist-local";
        FederationSpec spec = FederationSpec.newBuilder().setFederationId(fed)
                .addAllLabelNames(train.labelNames())
                .setImageSpec(ImageSpec.newBuilder().setChannels(1).setHeight(28).setWidth(28).setValueMin(0).setValueMax(1))
                .addAcceptedKinds(ModuleKind.MODULE_KIND_DECODER).addAcceptedKinds(ModuleKind.MODULE_KIND_DIFFUSION)
                .addAcceptedKinds(ModuleKind.MODULE_KIND_LATENT_DIFFUSION)
                .setSamplesPerClass(samplesPerClass).setSeed(seed)
                .setRecipe(ClassifierRecipe.newBuilder().setBaseWidth(8).addBlocksPerStage(1).addBlocksPerStage(1)
                        .addBlocksPerStage(1).setEpochs(classifierEpochs).setBatchSize(128).setLearningRate(0.1f)
                        .setMomentum(0.9f).setWeightDecay(1e-4f).setAugment(false).setThreads(2).setInputBlur(inputBlur))
                .setClosePolicy(ClosePolicy.newBuilder().setExpectedSites(sites))
                .addAllEnrolledSiteIds(siteIds)
                .setPrivacyPolicy(SitePrivacy.policy(maxCopyRate, maxEpsilon))
                .build();
        admin.withDeadlineAfter(30, TimeUnit.SECONDS).createFederation(CreateFederationRequest.newBuilder().setSpec(spec).build());
        say("federation %s opened by %s: %d classes, %d samples per class, sites enrolled %s, closes after %d sites",
                fed, tls.describe(LocalIdentities.COORDINATOR), spec.getLabelNamesCount(), samplesPerClass, siteIds, sites);
        say("privacy policy: %s", SitePrivacy.describe(spec.getPrivacyPolicy()));

        step("3. Sites train their modules and upload them once");
        long tSites = System.nanoTime();
        SiteRuns.run(siteDirs, parallelSites, dir -> program("client-node", "client-" + dir.getFileName(),
                Map.of("java.io.tmpdir", tmp().toString(), "ai.djl.offline", "true",
                        "ai.djl.pytorch.num_interop_threads", "1"),
                "1g", env, tls.siteArgs(List.of("--site-id", dir.getFileName().toString(), "--federation", fed,
                        "--data", dir.toString(), "--format", "idx", "--aggregator", "127.0.0.1:" + aggregator.grpcPort(),
                        "--kind", kind, "--decoder-epochs", String.valueOf(decoderEpochs),
                        "--diffusion-steps", String.valueOf(diffusionSteps), "--seed", String.valueOf(seed),
                        "--threads", "1", "--dp-noise", String.valueOf(dpNoise))), ServiceTls.plaintext()), this::say);
        summary.put("sites_seconds", secondsSince(tSites));
        summary.put("privacy", SitePrivacy.verdicts(admin, fed, this::say));
        FederationStatus status = admin.getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(fed).build());
        say("%d modules from %d sites; state %s", status.getModules(), status.getSitesCount(), status.getState());

        step("4. Synthesis and global training on the aggregator");
        long tTrain = System.nanoTime();
        admin.withDeadlineAfter(30, TimeUnit.SECONDS).startTraining(StartTrainingRequest.newBuilder().setFederationId(fed).build());
        Inspection inspect = new Inspection(inference, tls.client(LocalIdentities.APPLICATION), fed, test, this::say);
        String v1 = inspect.awaitServedVersion(null, Duration.ofMinutes(20));
        summary.put("training_seconds", secondsSince(tTrain));
        say("model %s published and served after %.1f s", v1, secondsSince(tTrain));

        step("5. Test accuracy of " + v1 + " through the inference service (10,000 test images)");
        Map<String, Object> eval1 = inspect.evaluate(v1);
        summary.put("model_v1", eval1);
        inspect.showPngPredictions(6);
        long tEval = System.nanoTime();
        SiteRuns.run(siteDirs.subList(0, Math.min(3, siteDirs.size())), parallelSites, dir -> program("client-node",
                "evaluate-" + dir.getFileName(), Map.of("java.io.tmpdir", tmp().toString()), "512m", env, tls.siteArgs(List.of("--site-id", dir.getFileName().toString(), "--federation", fed,
                        "--data", dir.toString(), "--format", "idx", "--aggregator", "127.0.0.1:" + aggregator.grpcPort(),
                        "--evaluate-only")), ServiceTls.plaintext()), this::say);
        admin.getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(fed).build()).getSiteMetricsMap()
                .forEach((site, m) -> say("site %s reports %s accuracy %.4f on its %d local test images (the images stay there)",
                        site, v1, m.getAccuracy(), m.getExamples()));
        summary.put("site_evaluation_seconds", secondsSince(tEval));

        step("6. Unlearning: delete every module of " + deleteSite);
        long tDelete = System.nanoTime();
        DeleteModulesResponse deletion = auditor.withDeadlineAfter(60, TimeUnit.SECONDS).deleteModules(
                DeleteModulesRequest.newBuilder().setFederationId(fed).setSiteId(deleteSite)
                        .setReason("consent withdrawn").setRequestedBy(LocalIdentities.AUDITOR.toString()).build());
        say("deletion requested by %s", tls.describe(LocalIdentities.AUDITOR));
        say("deleted %s; revoked %s; certificate %s", deletion.getDeletedModuleIdsList(),
                deletion.getRevokedVersionsList(), deletion.getCertificateId());
        double refusedAfter = inspect.awaitRefused(v1, Duration.ofSeconds(60));
        summary.put("seconds_from_deletion_to_refusal", refusedAfter);
        say("inference service refuses %s %.2f s after the deletion request", v1, refusedAfter);
        String v2 = inspect.awaitServedVersion(v1, Duration.ofMinutes(20));
        summary.put("unlearning_seconds", secondsSince(tDelete));
        say("model %s served %.1f s after the deletion", v2, secondsSince(tDelete));
        Map<String, Object> eval2 = inspect.evaluate(v2);
        summary.put("model_v2", eval2);
        int[] deletedClasses = partition.site(siteIndex(partition, deleteSite)).classes();
        long predictedDeleted = 0;
        for (int c : deletedClasses) predictedDeleted += inspect.countPredicted(v2, c);
        summary.put("v2_predictions_of_deleted_classes", predictedDeleted);
        say("%s predicted a deleted class %s for %d of 10,000 test images", v2,
                java.util.Arrays.stream(deletedClasses).mapToObj(c -> train.labelNames().get(c)).toList(), predictedDeleted);

        // What three runs of the same commit must agree on: the modules and the weights of both versions.
        for (var v : admin.listModelVersions(ListModelVersionsRequest.newBuilder().setFederationId(fed).build()).getVersionsList()) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("weight_sha256", v.getWeightSha256());
            record.put("code_version", v.getCodeVersion());
            record.put("modules", v.getLineageList());
            summary.put("lineage_" + v.getVersion(), record);
            say("%s: weights %s from %d modules %s, code %s", v.getVersion(), v.getWeightSha256(), v.getLineageCount(),
                    v.getLineageList().stream().map(id -> id.substring(0, 8)).toList(), v.getCodeVersion());
        }

        step("7. Unlearning certificate");
        UnlearningCertificate cert = inspect.awaitCertificate(auditor, deletion.getCertificateId(), Duration.ofMinutes(20));
        System.out.println(com.google.protobuf.util.JsonFormat.printer().print(cert));
        summary.put("certificate_from_scratch_matches", cert.getFromScratchMatches());
        summary.put("certificate_id", cert.getCertificateId());
        Path saved = runDir.resolve("certificate.json");
        AtomicFiles.write(saved, (com.google.protobuf.util.JsonFormat.printer().print(cert) + "\n").getBytes(StandardCharsets.UTF_8));
        String verdict = tls.verifyOffline(cert);
        summary.put("certificate_signature", verdict);
        say("certificate saved to %s; verified offline against %s: %s", saved, tls.caDescription(), verdict);
        if (tls.enabled()) {
            say("check it yourself: deploy/fedfactory-admin verify-certificate --certificate %s --ca %s", saved,
                    tls.caDescription());
        }
        summary.put("total_seconds", secondsSince(t0));
        if (keepOpen) {
            say("--keep-open: everything keeps running; press Ctrl-C to stop it");
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }

    private void startConsole(BrokerProcess broker, ServiceProcess aggregator, LocalTls tls) {
        if (!tls.enabled()) {
            say("the console has no plaintext mode: not started (--plaintext)");
            return;
        }
        ServiceProcess console = ServiceProcess.start("console", app("console"), Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "fedfactory.console.aggregator", "127.0.0.1:" + aggregator.grpcPort(),
                "fedfactory.console.cache-dir", runDir.resolve("console").toString(),
                "java.io.tmpdir", tmp().toString()), "256m", runDir.resolve("logs"), Map.of(), List.of(),
                tls.service(LocalIdentities.CONSOLE));
        started.add(console);
        console.awaitReady(Duration.ofSeconds(180));
        say("console at %s (trust %s); log in with a token from: deploy/fedfactory-admin --aggregator 127.0.0.1:%d "
                + "--as <coordinator:coordinator | auditor:auditor | site:site-00> login-token", console.httpUrl(),
                tls.caDescription(), aggregator.grpcPort());
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static int siteIndex(Partition p, String siteId) {
        for (int s = 0; s < p.siteCount(); s++) {
            if (p.site(s).siteId().equals(siteId)) return s;
        }
        throw new IllegalArgumentException("--delete-site: no site '" + siteId + "' among " + p.siteCount() + " sites");
    }

    private Map<String, String> mlEnvironment() {
        return Map.of("DJL_CACHE_DIR", root.resolve(".cache/djl").toString(), "OMP_NUM_THREADS", "1",
                "OMP_WAIT_POLICY", "PASSIVE");
    }

    private Path tmp() {
        Path t = runDir.resolve("tmp");
        try {
            Files.createDirectories(t);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return t;
    }

    /**
     * Program {@code module} (aggregator, inference-svc, client-node) started as {@code name}: its jar as a
     * child process, or its image under podman on this machine's network with the run directory (and the
     * certificates) bound at the same paths; a service on free loopback ports either way.
     */
    private ServiceProcess program(String module, String name, Map<String, String> config, String heap,
                                   Map<String, String> env, List<String> args, ServiceTls tls) {
        Path logs = runDir.resolve("logs");
        if (images == null) return ServiceProcess.start(name, app(module), config, heap, logs, env, args, tls);
        boolean service = !module.equals("client-node");
        return ServiceProcess.startContainer(images, module, null, service ? ServiceProcess.freePort() : 0,
                service ? ServiceProcess.freePort() : 0, name, containerFolders, config, heap, logs, PodmanImages.containerEnv(env),
                args, tls);
    }

    private Path app(String module) {
        // The client node is a plain command-line program (target/client-node.jar); the services are Quarkus fast jars.
        return module.equals("client-node") ? root.resolve("client-node/target/client-node.jar")
                : root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private void stopAll() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e);
            }
        }
        started.clear();
    }

    private void step(String title) {
        System.out.printf("%n== %s  [%.0f s]%n", title, secondsSince(t0));
    }

    void say(String format, Object... args) {
        System.out.printf("   " + format + "%n", args);
    }

    static double secondsSince(long t) {
        return Math.round((System.nanoTime() - t) / 1e7) / 100.0;
    }
}
