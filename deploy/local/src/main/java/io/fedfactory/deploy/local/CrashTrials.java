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
 * Fault injection with the packaged aggregator and a real broker: each trial runs a small federation
 * (three sites upload a module each, training, publication, one site deleted, retrain, certificate)
 * while a nemesis SIGKILLs the aggregator at one chosen moment and restarts it on the same data and
 * ports; the client retries as a real one would. A checker then reads the whole outcome (the
 * aggregator's answers and every topic replayed from the start) and states which invariant broke.
 * A seed replays a run: trial t kills at {@code KillPoint.values()[(seed + t) % 7]}, after a seeded delay.
 */
@Command(name = "crash-trials", mixinStandardHelpOptions = true,
        description = "SIGKILL the aggregator at chosen moments of real federations and check the invariants afterwards.")
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
        CERTIFICATE
    }

    /** One trial's outcome. */
    public record TrialResult(int trial, KillPoint point, boolean hit, List<String> violations, double seconds) {
    }

    @Option(names = "--trials", description = "Trials to run (default ${DEFAULT-VALUE}).")
    int trials = 7;
    @Option(names = "--seed", description = "Seed of the run (default ${DEFAULT-VALUE}).")
    long seed = 13;
    @Option(names = "--root", description = "Project root (default: the working directory).")
    Path root = Path.of("").toAbsolutePath();
    @Option(names = "--run-dir", description = "Where the trials write (default ${DEFAULT-VALUE}).")
    Path runDir = Path.of("run/crash-trials");
    @Option(names = "--pki-dir", description = "Certificates (made on first use; default ${DEFAULT-VALUE}).")
    Path pkiDir = Path.of("run/pki");

    private final List<TrialResult> results = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new CrashTrials()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = root.resolve(runDir).normalize();
        Files.createDirectories(dir);
        LocalTls tls = LocalTls.ensure(root.resolve(pkiDir).normalize(), SITES, this::say);
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("kafka-" + System.nanoTime()), Duration.ofSeconds(120))) {
            for (int t = 0; t < trials; t++) {
                KillPoint point = KillPoint.values()[(int) Math.floorMod(seed + t, KillPoint.values().length)];
                results.add(new Trial(t, point, new SplittableRandom(seed * 1_000_003L + t), dir, broker, tls).run());
                TrialResult r = results.get(results.size() - 1);
                say("trial %d: kill at %s %s, %.0f s, %s", t, r.point(), r.hit() ? "(hit)" : "(NOT hit)", r.seconds(),
                        r.violations().isEmpty() ? "0 violations" : r.violations());
            }
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
        say("%d trials (seed %d), kill points hit %s, %d violations", results.size(), seed, hits, violations());
    }

    void say(String format, Object... args) {
        System.out.printf("[crash-trials] " + format + "%n", args);
    }

    static final List<String> SITES = List.of("site-a", "site-b", "site-c");
    static final List<String> LABELS = List.of("cat", "dog", "owl");
    static final ImageSpec IMAGE = ImageSpec.newBuilder().setChannels(1).setHeight(8).setWidth(8).setValueMin(0).setValueMax(1).build();

    /** One federation under one nemesis. */
    private final class Trial {
        private final int index;
        private final KillPoint point;
        private final SplittableRandom random;
        private final Path dir;
        private final BrokerProcess broker;
        private final LocalTls tls;
        private final String fed;
        private final Set<String> receipts = new LinkedHashSet<>();
        private final Set<String> acknowledgedDeletions = new TreeSet<>();
        private volatile ServiceProcess aggregator;
        private boolean hit;

        Trial(int index, KillPoint point, SplittableRandom random, Path dir, BrokerProcess broker, LocalTls tls) {
            this.index = index;
            this.point = point;
            this.random = random;
            this.dir = dir.resolve("trial-" + index);
            this.broker = broker;
            this.tls = tls;
            this.fed = "crash-" + seed + "-" + index;
        }

        TrialResult run() throws Exception {
            long t0 = System.nanoTime();
            aggregator = startAggregator(root, broker.bootstrapServers(), dir, tls);
            List<String> violations = new ArrayList<>();
            try {
                aggregator.awaitReady(Duration.ofMinutes(3));
                try (Clients c = new Clients()) {
                    workload(c);
                    violations.addAll(new CrashChecker(c.admin, c.auditor, broker.bootstrapServers(), fed, tls)
                            .check(receipts, acknowledgedDeletions, certificate));
                }
            } catch (RuntimeException | AssertionError e) {
                violations.add("the run did not finish: " + e);
            } finally {
                aggregator.close();
            }
            return new TrialResult(index, point, hit, violations, (System.nanoTime() - t0) / 1e9);
        }

        private String certificate = "";

        private void workload(Clients c) throws Exception {
            FederationSpec spec = spec(fed, seed + index);
            retry(() -> c.admin.createFederation(CreateFederationRequest.newBuilder().setSpec(spec).build()));
            int killAtModule = random.nextInt(SITES.size());
            for (int s = 0; s < SITES.size(); s++) {
                byte[] onnx = TinyDecoder.bytes(seed * 31 + index * 7L + s);
                ModuleManifest m = manifest(s, onnx);
                KillPoint here = s == killAtModule ? point : null;
                receipts.add(new ResumingUpload(tls.client(site(SITES.get(s))), aggregator.grpcPort(), fed, m, onnx,
                        here == KillPoint.MID_UPLOAD || here == KillPoint.BEFORE_RECEIPT || here == KillPoint.ADMISSION
                                ? (stage, chunk, of) -> nemesisDuringUpload(here, stage, chunk, of) : null).upload());
            }
            retry(() -> c.admin.startTraining(StartTrainingRequest.newBuilder().setFederationId(fed).build()),
                    "ALREADY_TRAINING");
            if (point == KillPoint.TRAINING) {
                Thread.sleep(200 + random.nextInt(2000));
                kill();
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

        /** SIGKILL, then the same aggregator again on the same data and ports. */
        private synchronized void kill() {
            if (hit) return;
            hit = true;
            aggregator.kill();
            aggregator = aggregator.restart();
            aggregator.awaitReady(Duration.ofMinutes(3));
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
        return ServiceProcess.start("aggregator", root.resolve("aggregator/target/quarkus-app/quarkus-run.jar"),
                Map.of("kafka.bootstrap.servers", bootstrap,
                        "fedfactory.aggregator.data-dir", dir.resolve("aggregator").toString(),
                        "java.io.tmpdir", dir.toString(), "ai.djl.offline", "true",
                        "ai.djl.pytorch.num_interop_threads", "1", "fedfactory.limits.requests-per-second", "1000",
                        "fedfactory.limits.burst", "1000"),
                "1g", dir.resolve("logs"), Map.of("DJL_CACHE_DIR", root.resolve(".cache/djl").toString(),
                        "OMP_NUM_THREADS", "1"), List.of(), tls.service(LocalIdentities.AGGREGATOR));
    }

    /** The trials' federation: three one-class sites of tiny decoders, a one-epoch classifier, closed by hand. */
    static FederationSpec spec(String fed, long seed) {
        return FederationSpec.newBuilder().setFederationId(fed).addAllLabelNames(LABELS).setImageSpec(IMAGE)
                .addAcceptedKinds(ModuleKind.MODULE_KIND_DECODER).setSamplesPerClass(16).setSeed(seed)
                .setRecipe(ClassifierRecipe.newBuilder().setBaseWidth(4).addBlocksPerStage(1).setEpochs(1).setBatchSize(16)
                        .setLearningRate(0.05f).setMomentum(0.9f).setWeightDecay(1e-4f).setThreads(1))
                .setClosePolicy(ClosePolicy.newBuilder().setManual(true)).addAllEnrolledSiteIds(SITES).build();
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
