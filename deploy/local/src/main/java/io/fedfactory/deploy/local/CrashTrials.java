package io.fedfactory.deploy.local;

import io.fedfactory.deploy.pki.LocalIdentities;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.ClassifierRecipe;
import io.fedfactory.proto.v1.ClosePolicy;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.DecoderSampler;
import io.fedfactory.proto.v1.DeleteModulesRequest;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.GetCertificateRequest;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ListModelVersionsRequest;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.ModuleState;
import io.fedfactory.proto.v1.StartTrainingRequest;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Fault injection with the packaged aggregator and inference service and a real broker: each trial runs
 * a small federation (three sites upload a module each, training, publication, one site deleted,
 * retrain, certificate) while an application asks the inference service for predictions all along and
 * a nemesis SIGKILLs one process at one chosen moment: the aggregator (restarted on the same data and
 * ports; the client retries as a real one would), the inference service (restarted on the same ports
 * and cache), a site's client process mid-upload (run afresh: it must resume from the stored offset) or
 * the broker (restarted on the same data folder and port). A checker then reads the whole outcome (the
 * aggregator's answers, every topic replayed from the start, every prediction answered) and states
 * which invariant broke. A seed replays a run: trial t kills at {@code points[(seed + t) % points.length]},
 * after a seeded delay.
 */
@Command(name = "crash-trials", mixinStandardHelpOptions = true,
        description = "SIGKILL the aggregator, the inference service, a client or the broker at chosen moments of real "
                + "federations and check the invariants afterwards.")
public final class CrashTrials implements Callable<Integer> {

    /** Where the nemesis kills the aggregator. */
    public enum KillPoint {
        /** After some chunks of an upload. */
        MID_UPLOAD,
        /** After the last chunk, before the receipt (between the fsync and the answer). */
        BEFORE_RECEIPT,
        /** After the stream's end: during admission. */
        ADMISSION,
        /** A moment after StartTraining: during synthesis or training. */
        TRAINING,
        /** The moment the first version's record is visible: at publication. */
        PUBLICATION,
        /** Right after DeleteModules answered: revocation, erasure, retrain starting. */
        DELETION,
        /** The moment the retrained version is visible: during the from-scratch check and the certificate. */
        CERTIFICATE,
        /** The inference service, a moment after DeleteModules answered: while the revocation reaches it. */
        INFERENCE,
        /** A site's client process after its first chunk; a fresh run of it must resume from the stored offset. */
        CLIENT,
        /** The broker, a moment after StartTraining: during synthesis, training or publication. */
        BROKER;

        /** The points at which the aggregator itself is killed. */
        boolean killsAggregator() {
            return ordinal() <= CERTIFICATE.ordinal();
        }
    }

    /** One trial's outcome. */
    public record TrialResult(int trial, KillPoint point, boolean hit, List<String> violations, double seconds,
                              long revocationLagMillis) {
    }

    @Option(names = "--trials", description = "Trials to run (default ${DEFAULT-VALUE}).")
    int trials = 10;
    @Option(names = "--points", split = ",", description = "Kill points taken in turn (default: all of ${COMPLETION-CANDIDATES}).")
    List<KillPoint> points = List.of(KillPoint.values());
    @Option(names = "--seed", description = "Seed of the run (default ${DEFAULT-VALUE}).")
    long seed = 13;
    @Option(names = "--root", description = "Project root (default: the working directory).")
    Path root = Path.of("").toAbsolutePath();
    @Option(names = "--run-dir", description = "Where the trials write (default ${DEFAULT-VALUE}).")
    Path runDir = Path.of("run/crash-trials");
    @Option(names = "--pki-dir", description = "Certificates (made on first use; default ${DEFAULT-VALUE}).")
    Path pkiDir = Path.of("run/pki");

    /** How long a service may take to start; generous, as a loaded machine starts a JVM slowly. */
    static final Duration START = Duration.ofMinutes(5);

    private final List<TrialResult> results = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new CrashTrials()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = root.resolve(runDir).normalize();
        Files.createDirectories(dir);
        LocalTls tls = LocalTls.ensure(root.resolve(pkiDir).normalize(), SITES, this::say);
        broker = BrokerProcess.start(dir.resolve("kafka-" + System.nanoTime()), Duration.ofMinutes(5));
        // The aggregator of every trial listens on the same ports, so one inference service serves the whole run.
        aggregatorPorts = new int[] {ServiceProcess.freePort(), ServiceProcess.freePort()};
        try {
            inference = ServiceProcess.start("inference-svc", root.resolve("inference-svc/target/quarkus-app/quarkus-run.jar"),
                    Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                            "fedfactory.aggregator.grpc-port", String.valueOf(aggregatorPorts[1]),
                            "fedfactory.inference.cache-dir", dir.resolve("inference").toString(),
                            "java.io.tmpdir", dir.toString()),
                    "512m", dir.resolve("logs"), Map.of(), List.of(), tls.service(LocalIdentities.INFERENCE), null);
            inference.awaitReady(START);
            for (int t = 0; t < trials; t++) {
                KillPoint point = points.get((int) Math.floorMod(seed + t, points.size()));
                results.add(new Trial(t, point, new SplittableRandom(seed * 1_000_003L + t), dir, tls).run());
                TrialResult r = results.get(results.size() - 1);
                say("trial %d: kill at %s %s, %.0f s, revocation lag %s, %s", t, r.point(), r.hit() ? "(hit)" : "(NOT hit)",
                        r.seconds(), r.revocationLagMillis() < 0 ? "none" : r.revocationLagMillis() + " ms",
                        r.violations().isEmpty() ? "0 violations" : r.violations());
            }
        } finally {
            if (inference != null) inference.close();
            broker.close();
        }
        report();
        return violations() == 0 ? 0 : 1;
    }

    public List<TrialResult> results() {
        return List.copyOf(results);
    }

    public int violations() {
        return results.stream().mapToInt(r -> r.violations().size()).sum();
    }

    private void report() {
        Map<KillPoint, Integer> hits = new EnumMap<>(KillPoint.class);
        for (TrialResult r : results) if (r.hit()) hits.merge(r.point(), 1, Integer::sum);
        double[] seconds = results.stream().mapToDouble(TrialResult::seconds).sorted().toArray();
        long lag = results.stream().mapToLong(TrialResult::revocationLagMillis).max().orElse(-1);
        say("%d trials (seed %d), kill points hit %s, %d violations; %.0f-%.0f s per trial (median %.0f); "
                        + "latest answer of a revoked version after its revocation event: %s", results.size(), seed, hits,
                violations(), seconds.length == 0 ? 0 : seconds[0], seconds.length == 0 ? 0 : seconds[seconds.length - 1],
                seconds.length == 0 ? 0 : seconds[seconds.length / 2], lag < 0 ? "none" : lag + " ms");
    }

    void say(String format, Object... args) {
        System.out.printf("[crash-trials] " + format + "%n", args);
    }

    static final List<String> SITES = List.of("site-a", "site-b", "site-c");
    static final List<String> LABELS = List.of("cat", "dog", "owl");
    static final ImageSpec IMAGE = ImageSpec.newBuilder().setChannels(1).setHeight(8).setWidth(8).setValueMin(0).setValueMax(1).build();

    private volatile BrokerProcess broker;
    private volatile ServiceProcess inference;
    private int[] aggregatorPorts;

    /** The manifest of a trial's tiny decoder: one class per site, in site order. */
    static ModuleManifest manifest(String site, byte[] onnx) {
        return manifest(SITES.indexOf(site), onnx);
    }

    /** One federation under one nemesis. */
    private final class Trial {
        private final int index;
        private final KillPoint point;
        private final SplittableRandom random;
        private final Path dir;
        private final LocalTls tls;
        private final String fed;
        private final Set<String> receipts = new LinkedHashSet<>();
        private final Set<String> acknowledgedDeletions = new TreeSet<>();
        private volatile ServiceProcess aggregator;
        private boolean hit;

        Trial(int index, KillPoint point, SplittableRandom random, Path dir, LocalTls tls) {
            this.index = index;
            this.point = point;
            this.random = random;
            this.dir = dir.resolve("trial-" + index);
            this.tls = tls;
            this.fed = "crash-" + seed + "-" + index;
        }

        TrialResult run() throws Exception {
            long t0 = System.nanoTime();
            // A trial of an earlier run with the same seed left its aggregator's data here: start from nothing.
            LocalFederation.deleteTree(dir);
            aggregator = startAggregator(root, broker.bootstrapServers(), dir, tls, aggregatorPorts[0], aggregatorPorts[1]);
            List<String> violations = new ArrayList<>();
            long[] lag = {-1};
            try (InferenceProbe probe = new InferenceProbe(tls.client(LocalIdentities.APPLICATION), inference.grpcPort(), fed)) {
                aggregator.awaitReady(START);
                try (Clients c = new Clients()) {
                    workload(c);
                    violations.addAll(new CrashChecker(c.admin, c.auditor, broker.bootstrapServers(), fed, tls)
                            .check(receipts, acknowledgedDeletions, certificate, probe, lag));
                }
            } catch (RuntimeException | AssertionError e) {
                violations.add("the run did not finish: " + e);
            } finally {
                aggregator.close();
            }
            violations.addAll(clientViolations);
            return new TrialResult(index, point, hit, violations, (System.nanoTime() - t0) / 1e9, lag[0]);
        }

        private final List<String> clientViolations = new ArrayList<>();

        private String certificate = "";

        private void workload(Clients c) throws Exception {
            FederationSpec spec = spec(fed, seed + index);
            retry(() -> c.admin.createFederation(CreateFederationRequest.newBuilder().setSpec(spec).build()));
            int killAtModule = random.nextInt(SITES.size());
            for (int s = 0; s < SITES.size(); s++) {
                long variant = seed * 31 + index * 7L + s;
                byte[] onnx = TinyDecoder.bytes(variant);
                ModuleManifest m = manifest(s, onnx);
                KillPoint here = s == killAtModule ? point : null;
                if (here == KillPoint.CLIENT) {
                    receipts.add(killedClientResumes(SITES.get(s), variant, onnx.length));
                    continue;
                }
                receipts.add(new ResumingUpload(tls.client(site(SITES.get(s))), aggregator.grpcPort(), fed,
                        manifest(SITES.get(s), onnx), onnx,
                        here == KillPoint.MID_UPLOAD || here == KillPoint.BEFORE_RECEIPT || here == KillPoint.ADMISSION
                                ? (stage, chunk, of) -> nemesisDuringUpload(here, stage, chunk, of) : null).upload());
            }
            retry(() -> c.admin.startTraining(StartTrainingRequest.newBuilder().setFederationId(fed).build()),
                    "ALREADY_TRAINING");
            if (point == KillPoint.TRAINING) {
                Thread.sleep(200 + random.nextInt(2000));
                kill();
            }
            if (point == KillPoint.BROKER) {
                Thread.sleep(200 + random.nextInt(2000));
                hit = true;
                broker = broker.killAndRestart(Duration.ofMinutes(5));
            }
            if (point == KillPoint.PUBLICATION) {
                awaitVersions(c, 1, Duration.ofMillis(20));
                kill();
            }
            awaitState(c, FederationState.FEDERATION_STATE_PUBLISHED);

            var deletion = retry(() -> c.auditor.deleteModules(DeleteModulesRequest.newBuilder().setFederationId(fed)
                    .setSiteId("site-c").setReason("trial " + index).build()));
            certificate = deletion.getCertificateId();
            acknowledgedDeletions.addAll(deletion.getDeletedModuleIdsList());
            if (point == KillPoint.DELETION) kill();
            if (point == KillPoint.INFERENCE) {
                Thread.sleep(random.nextInt(1500));
                hit = true;
                inference.kill();
                inference = inference.restart();
                inference.awaitReady(START);
            }
            if (point == KillPoint.CERTIFICATE) {
                awaitVersions(c, 2, Duration.ofMillis(20));
                kill();
            }
            UnlearningCertificate cert = await(() -> retry(() -> c.auditor.getCertificate(
                    GetCertificateRequest.newBuilder().setCertificateId(certificate).build())), UnlearningCertificate::getComplete,
                    Duration.ofMinutes(10), "certificate " + certificate);
            if (!cert.getComplete()) throw new AssertionError("certificate never completed");
            awaitState(c, FederationState.FEDERATION_STATE_PUBLISHED);
        }

        private void nemesisDuringUpload(KillPoint here, ResumingUpload.Stage stage, int chunk, int of) {
            if (hit) return;
            boolean now = switch (here) {
                case MID_UPLOAD -> stage == ResumingUpload.Stage.CHUNK_SENT && chunk == Math.max(1, of / 2);
                case BEFORE_RECEIPT -> stage == ResumingUpload.Stage.CHUNK_SENT && chunk == of;
                case ADMISSION -> stage == ResumingUpload.Stage.HALF_CLOSED;
                default -> false;
            };
            if (now) kill();
        }

        /**
         * A site's upload in its own process, SIGKILLed after its first chunk; then a fresh run of the same
         * client, which must start from the bytes the aggregator holds. Returns the fresh run's receipt.
         */
        private String killedClientResumes(String site, long variant, int size) throws Exception {
            List<String> args = List.of("--port", String.valueOf(aggregator.grpcPort()), "--federation", fed, "--site", site,
                    "--variant", String.valueOf(variant), "--pki-dir", root.resolve(pkiDir).normalize().toString());
            Path log = dir.resolve("logs").resolve("upload-client.log");
            Files.createDirectories(log.getParent());
            Process first = uploadClient(args, true, log);
            try {
                await(() -> readOrEmpty(log).contains("PAUSED"), Boolean::booleanValue, Duration.ofMinutes(2), "PAUSED in " + log,
                        Duration.ofMillis(50));
                Thread.sleep(1000); // the first chunk reaches the aggregator and its disk
            } finally {
                first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            hit = true;
            String uploadId = "up-" + site + "-" + TinyDecoder.sha256(TinyDecoder.bytes(variant)).substring(0, 16);
            ManagedChannel channel = tls.client(site(site)).channel("127.0.0.1", aggregator.grpcPort(), 8 << 20);
            long stored;
            try {
                // BUSY until the aggregator has seen the killed client's connection end.
                stored = retry(() -> io.fedfactory.proto.v1.ModuleUploadGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS).getUploadOffset(io.fedfactory.proto.v1.UploadOffsetRequest
                                .newBuilder().setUploadId(uploadId).build()).getStoredBytes());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            Process fresh = uploadClient(args, false, log);
            if (!fresh.waitFor(5, TimeUnit.MINUTES)) {
                fresh.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError("the fresh client run did not finish within 5 min; see " + log);
            }
            String receipt = readOrEmpty(log).lines().filter(l -> l.startsWith("RECEIPT ")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("the fresh client run ended with " + fresh.exitValue()
                            + " and no receipt; see " + log));
            String[] f = receipt.split(" ");
            long start = Long.parseLong(f[2]);
            if (stored <= 0 || stored >= size) {
                clientViolations.add("after the client was killed mid-upload the aggregator holds " + stored + " of " + size
                        + " bytes (expected part of the module)");
            } else if (start != stored) {
                clientViolations.add("the fresh client run started at byte " + start + " where the aggregator held " + stored);
            }
            return f[1];
        }

        private Process uploadClient(List<String> args, boolean pause, Path log) throws java.io.IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Dslf4j.provider=org.apache.logging.slf4j.SLF4JServiceProvider",
                    "-Dlog4j2.configurationFile=classpath:log4j2.xml", "-cp", System.getProperty("java.class.path"),
                    UploadClient.class.getName()));
            cmd.addAll(args);
            if (pause) cmd.add("--pause");
            return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        }

        /** SIGKILL, then the same aggregator again on the same data and ports. */
        private synchronized void kill() {
            if (hit) return;
            hit = true;
            aggregator.kill();
            aggregator = aggregator.restart();
            aggregator.awaitReady(START);
        }

        private void awaitVersions(Clients c, int n, Duration poll) {
            await(() -> retry(() -> c.admin.listModelVersions(ListModelVersionsRequest.newBuilder().setFederationId(fed).build())
                    .getVersionsCount()), count -> count >= n, Duration.ofMinutes(10), n + " versions", poll);
        }

        private void awaitState(Clients c, FederationState state) {
            FederationState last = await(() -> retry(() -> c.admin.getFederationStatus(
                    FederationStatusRequest.newBuilder().setFederationId(fed).build()).getState()),
                    s -> s == state || s == FederationState.FEDERATION_STATE_FAILED, Duration.ofMinutes(10), "state " + state);
            if (last != state) {
                throw new AssertionError(fed + " is " + last + ": " + retry(() -> c.admin.getFederationStatus(
                        FederationStatusRequest.newBuilder().setFederationId(fed).build()).getMessage()));
            }
        }

        /** Channels as the coordinator and the auditor, rebuilt lazily by grpc-java after the restart. */
        private final class Clients implements AutoCloseable {
            final ManagedChannel coordinator = tls.client(LocalIdentities.COORDINATOR).channel("127.0.0.1", aggregator.grpcPort(), 8 << 20);
            final ManagedChannel auditorChannel = tls.client(LocalIdentities.AUDITOR).channel("127.0.0.1", aggregator.grpcPort(), 8 << 20);
            final FederationAdminGrpc.FederationAdminBlockingStub admin = FederationAdminGrpc.newBlockingStub(coordinator);
            final FederationAdminGrpc.FederationAdminBlockingStub auditor = FederationAdminGrpc.newBlockingStub(auditorChannel);

            @Override
            public void close() throws InterruptedException {
                coordinator.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                auditorChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The packaged aggregator for a trial, its data and logs in {@code dir}, on a free port; not yet ready. */
    static ServiceProcess startAggregator(Path root, String bootstrap, Path dir, LocalTls tls) {
        return startAggregator(root, bootstrap, dir, tls, ServiceProcess.freePort(), ServiceProcess.freePort());
    }

    /** As above, on the given HTTP and gRPC ports (the inference service finds each trial's aggregator there). */
    static ServiceProcess startAggregator(Path root, String bootstrap, Path dir, LocalTls tls, int http, int grpc) {
        return ServiceProcess.startOn(http, grpc, "aggregator", root.resolve("aggregator/target/quarkus-app/quarkus-run.jar"),
                Map.of("kafka.bootstrap.servers", bootstrap,
                        "fedfactory.aggregator.data-dir", dir.resolve("aggregator").toString(),
                        "java.io.tmpdir", dir.toString(), "ai.djl.offline", "true",
                        "ai.djl.pytorch.num_interop_threads", "1", "fedfactory.limits.requests-per-second", "1000",
                        "fedfactory.limits.burst", "1000"),
                "1g", dir.resolve("logs"), Map.of("DJL_CACHE_DIR", root.resolve(".cache/djl").toString(),
                        "OMP_NUM_THREADS", "1"), List.of(), tls.service(LocalIdentities.AGGREGATOR), null);
    }

    /**
     * The classifier of a run that tests the system, not learning: width 4, one stage, one epoch on the
     * {@link #TINY_SAMPLES_PER_CLASS} samples per class drawn from the modules (the trials, the broker
     * failover, the multi-host run).
     */
    static final ClassifierRecipe TINY_RECIPE = ClassifierRecipe.newBuilder().setBaseWidth(4).addBlocksPerStage(1).setEpochs(1)
            .setBatchSize(16).setLearningRate(0.05f).setMomentum(0.9f).setWeightDecay(1e-4f).setThreads(1).build();
    static final int TINY_SAMPLES_PER_CLASS = 16;

    /** The trials' federation: three one-class sites of tiny decoders, a one-epoch classifier, closed by hand. */
    static FederationSpec spec(String fed, long seed) {
        return FederationSpec.newBuilder().setFederationId(fed).addAllLabelNames(LABELS).setImageSpec(IMAGE)
                .addAcceptedKinds(ModuleKind.MODULE_KIND_DECODER).setSamplesPerClass(TINY_SAMPLES_PER_CLASS).setSeed(seed)
                .setRecipe(TINY_RECIPE).setClosePolicy(ClosePolicy.newBuilder().setManual(true)).addAllEnrolledSiteIds(SITES).build();
    }

    /** Site {@code s}'s manifest for the tiny decoder {@code onnx} of its one class. */
    static ModuleManifest manifest(int s, byte[] onnx) {
        return ModuleManifest.newBuilder().setKind(ModuleKind.MODULE_KIND_DECODER)
                .addClasses(LABELS.get(s)).setImageSpec(IMAGE).setDecoder(DecoderSampler.newBuilder().setLatentDim(TinyDecoder.LATENT))
                .setSiteId(SITES.get(s)).setContentSha256(TinyDecoder.sha256(onnx)).build();
    }

    static io.fedfactory.security.Identity site(String id) {
        return io.fedfactory.security.Identity.site(id);
    }

    /** Retries what a client would retry (the aggregator down or restarting); {@code done} reasons count as success. */
    static <T> T retry(Supplier<T> call, String... done) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            try {
                return call.get();
            } catch (StatusRuntimeException e) {
                if (List.of(done).contains(TypedErrors.reason(e))) return null;
                Status.Code code = e.getStatus().getCode();
                boolean transient_ = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                        || code == Status.Code.CANCELLED || code == Status.Code.UNKNOWN;
                if (!transient_ || System.nanoTime() > deadline) throw e;
                sleep(300);
            }
        }
    }

    static <T> T await(Supplier<T> value, java.util.function.Predicate<T> until, Duration limit, String what) {
        return await(value, until, limit, what, Duration.ofMillis(500));
    }

    static <T> T await(Supplier<T> value, java.util.function.Predicate<T> until, Duration limit, String what, Duration poll) {
        long deadline = System.nanoTime() + limit.toNanos();
        T last = value.get();
        while (!until.test(last)) {
            if (System.nanoTime() > deadline) throw new AssertionError("no " + what + " within " + limit.toSeconds() + " s: " + last);
            sleep(poll.toMillis());
            last = value.get();
        }
        return last;
    }

    static String readOrEmpty(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Sorted ids of the modules a listing holds in {@code state}. */
    static List<String> ids(List<ModuleRecord> modules, ModuleState state) {
        return modules.stream().filter(m -> m.getState() == state).map(ModuleRecord::getModuleId).sorted().toList();
    }

    static List<ModelVersionInfo> versions(FederationAdminGrpc.FederationAdminBlockingStub admin, String fed) {
        return retry(() -> admin.listModelVersions(ListModelVersionsRequest.newBuilder().setFederationId(fed).build()).getVersionsList());
    }

    static List<ModuleRecord> modules(FederationAdminGrpc.FederationAdminBlockingStub admin, String fed) {
        return retry(() -> admin.listModules(ListModulesRequest.newBuilder().setFederationId(fed).setIncludeDeleted(true).build())
                .getModulesList());
    }
}
