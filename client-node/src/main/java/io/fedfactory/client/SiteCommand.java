package io.fedfactory.client;

import io.fedfactory.client.connection.AggregatorChannel;
import io.fedfactory.client.evaluation.ModelEvaluation;
import io.fedfactory.lineage.PrivacyWire;
import io.fedfactory.client.privacy.SiteAudit;
import io.fedfactory.privacy.DpGuarantee;
import io.fedfactory.privacy.DpSgdConfig;
import io.fedfactory.privacy.MemorizationAudit;
import io.fedfactory.client.site.SiteData;
import io.fedfactory.client.training.ModuleTraining;
import io.fedfactory.lineage.WireManifests;
import io.fedfactory.client.upload.ModuleUploader;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.Split;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.metrics.ClassificationReport;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.ListModelVersionsRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.SiteMetricsReport;
import io.fedfactory.proto.v1.UploadReceipt;
import io.fedfactory.security.CredentialFiles;
import io.fedfactory.security.Identity;
import io.fedfactory.security.PkiDirectory;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** The site's main path: load local data, train modules, upload them once, then evaluate the global model. */
@Command(name = "client-node", mixinStandardHelpOptions = true, version = "fedfactory 0.1.0",
        description = {"A site of a fedfactory federation. Trains one generative module per local class on the local "
                + "images (which never leave the site), uploads the modules once to the aggregator, prints the "
                + "receipts and, with --evaluate, waits for the global model, evaluates it on the local test data "
                + "and reports the metrics.", "",
                "Without arguments the node runs as a service (health at /q/health, metrics at /metrics)."},
        footer = {"", "Example: client-node --site-id site-00 --federation fmnist --data run/sites/site-00 --format idx "
                + "--kind decoder --evaluate", "",
                "The node connects to the aggregator over mutual TLS as site:<site-id>, with the files deploy/pki "
                + "created (run/pki/site-<site-id>.pem, run/pki/site-<site-id>-key.pem, run/pki/ca.pem).", "",
                "Memorization audit (before each upload): --hold-out of every class is never trained on; the audit "
                + "samples the module and prints, per module, PASS or FLAGGED with: copy rate (share of samples nearer "
                + "a training image than the 1st percentile of held-out-to-training distances; about 0.01 or less "
                + "without memorization, flagged above 0.05) in pixel space and in a PCA space fitted on the site's "
                + "training images; Z_U (Meehan et al. three-sample test; far below 0 means samples copy training "
                + "images; flagged below -3 in PCA space) with its p-value; the share of samples nearer training than "
                + "held-out (0.5 without memorization); median distances to training and held-out images. The "
                + "numbers and verdict travel in the manifest (field memorization); the closest pairs are written as "
                + "a PNG to --audit-dir and never leave the site."})
public final class SiteCommand implements Callable<Integer> {

    @Option(names = "--site-id", required = true, description = "This site's id, [a-z0-9-]{1,64}.")
    String siteId;
    @Option(names = "--federation", required = true, description = "Federation id to join.")
    String federation;
    @Option(names = "--data", required = true, description = "Path of the local data (see --format).")
    Path data;
    @Option(names = "--format", defaultValue = "IDX",
            description = "IDX (folder with train-/t10k- IDX files), NPZ (MedMNIST), CIFAR10 (binary batches), "
                    + "FOLDER (one sub-folder per class). Default: ${DEFAULT-VALUE}.")
    SiteData.Format format;
    @Option(names = "--aggregator", defaultValue = "127.0.0.1:9081", description = "Aggregator gRPC host:port (default: ${DEFAULT-VALUE}).")
    String aggregator;
    @Option(names = "--tls-dir", defaultValue = "run/pki",
            description = "Folder of the federation's certificates, as deploy/pki writes them: the defaults of "
                    + "--certificate, --private-key and --ca are site-<site-id>.pem, site-<site-id>-key.pem and ca.pem "
                    + "in it (default: ${DEFAULT-VALUE}).")
    Path tlsDir;
    @Option(names = "--certificate", description = "This site's certificate (PEM); it must name site:<site-id>.")
    Path certificate;
    @Option(names = "--private-key", description = "This site's private key (PEM, PKCS#8).")
    Path privateKey;
    @Option(names = "--ca", description = "The federation's CA certificate (PEM): the only issuer trusted for the aggregator.")
    Path ca;
    @Option(names = "--plaintext", description = "Connect without TLS (only against an aggregator started with "
            + "fedfactory.tls.enabled=false, to measure TLS's cost).")
    boolean plaintext;
    @Option(names = "--kind", defaultValue = "decoder", description = "Module kind: decoder (fast, one pass), latent-diffusion (an EDM denoiser on the decoder's latents) or diffusion (pixel space, GPU-scale budgets) (default: ${DEFAULT-VALUE}).")
    String kind;
    @Option(names = "--decoder-epochs", defaultValue = "20", description = "Decoder training epochs (default: ${DEFAULT-VALUE}).")
    int decoderEpochs;
    @Option(names = "--diffusion-steps", defaultValue = "1500", description = "Diffusion training steps (default: ${DEFAULT-VALUE}).")
    int diffusionSteps;
    @Option(names = "--diffusion-width", defaultValue = "16", description = "Diffusion UNet width (default: ${DEFAULT-VALUE}).")
    int diffusionWidth;
    @Option(names = "--seed", defaultValue = "1", description = "Training seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--threads", defaultValue = "1", description = "Training threads, pinned (default: ${DEFAULT-VALUE}).")
    int threads;
    @Option(names = "--chunk-kib", defaultValue = "256", description = "Upload chunk size in KiB (default: ${DEFAULT-VALUE}).")
    int chunkKiB;
    @Option(names = "--evaluate", description = "Wait for a model trained on this site's modules, evaluate it on the local test split, report.")
    boolean evaluate;
    @Option(names = "--evaluate-only", description = "Train and upload nothing: evaluate the newest published model on the local test split and report.")
    boolean evaluateOnly;
    @Option(names = "--hold-out", defaultValue = "0.1",
            description = "Share of each local class held out from training, seeded by --seed, for the memorization "
                    + "audit (default: ${DEFAULT-VALUE}).")
    double holdOut;
    @Option(names = "--audit-samples", defaultValue = "500",
            description = "Samples drawn from each module by the memorization audit; 0 skips the audit (default: ${DEFAULT-VALUE}).")
    int auditSamples;
    @Option(names = "--audit-dir",
            description = "Where the audit writes each module's closest sample/training pairs as a PNG, for the site's "
                    + "own review; never uploaded (default: <data>/memorization-audit, or next to a --data file).")
    Path auditDir;
    @Option(names = "--dp-noise", defaultValue = "0",
            description = "Train with DP-SGD at this noise multiplier (0: plain training; decoder modules only). Batches "
                    + "are Poisson-sampled, each microbatch's gradient is clipped, Gaussian noise added; epsilon at "
                    + "--dp-delta from a Renyi-DP accountant goes into the manifest (default: ${DEFAULT-VALUE}).")
    double dpNoise;
    @Option(names = "--dp-clip", defaultValue = "1.0", description = "DP-SGD clipping norm (default: ${DEFAULT-VALUE}).")
    double dpClip;
    @Option(names = "--dp-microbatch", defaultValue = "8",
            description = "DP-SGD images per microbatch; 1 clips each image alone (slowest); above 1 the accountant "
                    + "is given half the noise multiplier (default: ${DEFAULT-VALUE}).")
    int dpMicrobatch;
    @Option(names = "--dp-delta", defaultValue = "1e-5", description = "Delta of the reported epsilon (default: ${DEFAULT-VALUE}).")
    double dpDelta;
    @Option(names = "--wait-seconds", defaultValue = "900", description = "How long --evaluate waits for a model (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (!siteId.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("--site-id must match [a-z0-9-]{1,64}, got '" + siteId + "'");
        }
        String[] hp = aggregator.split(":");
        ManagedChannel channel = AggregatorChannel.open(hp[0], Integer.parseInt(hp[1]), plaintext ? null : tlsFiles(), siteId);
        try {
            FederationSpec spec = awaitFederation(channel);
            if (evaluateOnly) {
                evaluate(channel, spec, Set.of());
                return 0;
            }
            Dataset train = SiteData.load(format, data, Split.TRAIN, spec);
            out.printf("[%s] %d local images of classes %s%n", siteId, train.size(), presentClasses(train));
            SiteAudit audit = auditSamples == 0 ? null : new SiteAudit(MemorizationAudit.defaults(seed)
                    .withSamples(auditSamples), holdOut, seed, auditDir != null ? auditDir : defaultAuditDir());
            SiteAudit.Split split = audit == null ? new SiteAudit.Split(train, null) : audit.split(train);

            ModuleTraining.Plan plan = new ModuleTraining.Plan(kind, decoderEpochs, diffusionSteps, diffusionWidth, seed, threads);
            DpSgdConfig privacy = dpNoise == 0 ? null : new DpSgdConfig(dpNoise, dpClip, dpMicrobatch, dpDelta);
            List<TrainedModule> modules = ModuleTraining.trainAll(split.training(), siteId, plan, privacy, out);

            ModuleUploader uploader = new ModuleUploader(channel, chunkKiB * 1024, 5, 300);
            Set<String> mine = new HashSet<>();
            for (TrainedModule m : modules) {
                long t0 = System.nanoTime();
                var manifest = PrivacyWire.withPrivacy(WireManifests.toWire(m.manifest()), m,
                        audit == null ? null : audit.audit(m, split, siteId, out));
                if (manifest.getProvenance().hasDifferentialPrivacy()) {
                    out.printf("[%s] DP-SGD: %s%n", siteId, DpGuarantee.fromProvenance(m.manifest().provenance()
                            .hyperparameters()).orElseThrow());
                }
                t0 = System.nanoTime();
                UploadReceipt r = uploader.upload(federation, manifest, m.onnx(), modules.size(), null);
                mine.add(r.getModuleId());
                out.printf("[%s] receipt: module %s %s, %d bytes in %.2f s, checks %s%n", siteId,
                        r.getModuleId().substring(0, 12), r.getAlreadyStored() ? "already stored" : "admitted",
                        r.getStoredBytes(), (System.nanoTime() - t0) / 1e9, r.getChecksPassedList());
            }
            if (evaluate) evaluate(channel, spec, mine);
            return 0;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private void evaluate(ManagedChannel channel, FederationSpec spec, Set<String> mine) throws Exception {
        Dataset test = SiteData.load(format, data, Split.TEST, spec);
        out.printf("[%s] waiting up to %d s for a model trained on this site's modules...%n", siteId, waitSeconds);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        while (System.nanoTime() < deadline) {
            Optional<ModelVersionInfo> v = newestWith(channel, mine);
            if (v.isPresent()) {
                var model = ModelEvaluation.download(channel, federation, v.get().getVersion());
                ClassificationReport report = ModelEvaluation.evaluate(model.onnx(), test, threads);
                out.printf("[%s] model %s on %d local test images: %s%n", siteId, v.get().getVersion(), test.size(),
                        report.summary().replace("\n", "; "));
                FederationAdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .reportSiteMetrics(SiteMetricsReport.newBuilder().setFederationId(federation).setSiteId(siteId)
                                .setVersion(v.get().getVersion())
                                .setMetrics(ModelEvaluation.toWire(report, spec.getLabelNamesList())).build());
                return;
            }
            Thread.sleep(2000);
        }
        throw new IllegalStateException("no model trained on this site's modules within " + waitSeconds + " s");
    }

    private Optional<ModelVersionInfo> newestWith(ManagedChannel channel, Set<String> mine) {
        return FederationAdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listModelVersions(ListModelVersionsRequest.newBuilder().setFederationId(federation).build())
                .getVersionsList().stream()
                .filter(v -> !v.getRevoked() && v.getLineageList().containsAll(mine))
                .reduce((a, b) -> b);
    }

    private FederationSpec awaitFederation(ManagedChannel channel) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return FederationAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(federation).build())
                        .getSpec();
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) throw e;
                Thread.sleep(1000);
            }
        }
    }

    private Path defaultAuditDir() {
        return java.nio.file.Files.isDirectory(data) ? data.resolve("memorization-audit")
                : data.toAbsolutePath().resolveSibling("memorization-audit");
    }

    /** The site's TLS files: explicit options first, else its files in --tls-dir. */
    public CredentialFiles tlsFiles() {
        CredentialFiles defaults = new PkiDirectory(tlsDir).files(Identity.site(siteId));
        return new CredentialFiles(certificate != null ? certificate : defaults.certificate(),
                privateKey != null ? privateKey : defaults.privateKey(), ca != null ? ca : defaults.trustedCa());
    }

    private static List<String> presentClasses(Dataset d) {
        int[] counts = d.classCounts();
        return java.util.stream.IntStream.range(0, counts.length).filter(c -> counts[c] > 0)
                .mapToObj(c -> d.labelNames().get(c) + "=" + counts[c]).toList();
    }
}
