package io.fedfactory.client;

import io.fedfactory.client.evaluation.ModelEvaluation;
import io.fedfactory.client.privacy.SiteAudit;
import io.fedfactory.data.site.SiteDataset;
import io.fedfactory.client.training.ModuleTraining;
import io.fedfactory.client.upload.ModuleUploader;
import io.fedfactory.data.Dataset;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.lineage.PrivacyWire;
import io.fedfactory.lineage.WireManifests;
import io.fedfactory.metrics.ClassificationReport;
import io.fedfactory.metrics.HeldClassReport;
import io.fedfactory.privacy.DpGuarantee;
import io.fedfactory.privacy.DpSgdConfig;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ListModelVersionsRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.SiteMetricsReport;
import io.fedfactory.proto.v1.UploadReceipt;
import io.fedfactory.security.CredentialFiles;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The site's one-shot job: read the local data (every problem reported before training), train a
 * module per held class, upload each once, and optionally evaluate the global model on the local
 * test images only. Opens no port: its one connection goes out to the aggregator.
 */
@Command(name = "client-node", mixinStandardHelpOptions = true, version = "fedfactory 0.1.0",
        subcommands = CheckCommand.class,
        description = {"A site of a fedfactory federation: a command-line program that opens no port and needs only the "
                + "aggregator's address and the site's certificate. Reads the local images (which never leave the "
                + "site), reports every problem in them before training, trains one generative module per local class, "
                + "uploads the modules once to the aggregator, prints the receipts and, with --evaluate, waits for the "
                + "global model, evaluates it on the local test images only and reports the metrics over the classes "
                + "the site holds.", "",
                "'client-node check ...' is the dry run: it validates the data against the federation's spec and "
                        + "prints what would be trained and uploaded, and trains and uploads nothing."},
        footer = {"", "Example: client-node --site-id site-00 --federation fmnist --data site-data --evaluate",
                "         client-node --kit kit-site-00 --data site-data        (a startup kit from deploy/pki --kit)", "",
                "The node connects to the aggregator over mutual TLS as site:<site-id>, with the files deploy/pki "
                        + "created (run/pki/site-<site-id>.pem, run/pki/site-<site-id>-key.pem, run/pki/ca.pem).",
                "Memorization audit (before each upload): --audit-hold-out of every class is never trained on; the "
                        + "audit samples the module and prints, per module, PASS or FLAGGED with: copy rate (share of "
                        + "samples nearer a training image than the 1st percentile of held-out-to-training distances; "
                        + "about 0.01 or less without memorization, flagged above 0.05) and nearer-training share (share "
                        + "of samples nearer a training image than any held-out image, against equally many of each; "
                        + "0.5 without memorization, flagged above 0.65), each in pixel space and in a PCA space fitted "
                        + "on the site's training images; Z_U (Meehan et al. three-sample test, far below 0 when samples "
                        + "copy training images, but also for blurry samples, so it is reported and does not decide) with "
                        + "its p-value; median distances to training and held-out images. The numbers and verdict travel "
                        + "in the manifest (field memorization); the closest pairs are written as a PNG to --audit-dir and "
                        + "never leave the site.",
                "Exit status: 0 done, 1 failed (the message says why), 2 bad options, 3 the data was refused "
                        + "(every refused file listed; nothing trained)."})
public final class SiteCommand implements Callable<Integer> {

    @Mixin
    SiteOptions site = new SiteOptions();
    @Mixin
    TrainingOptions training = new TrainingOptions();
    @Mixin
    PrivacyOptions privacy = new PrivacyOptions();
    @Option(names = "--chunk-kib", defaultValue = "256", description = "Upload chunk size in KiB (default: ${DEFAULT-VALUE}).")
    int chunkKiB;
    @Option(names = "--upload-attempts", defaultValue = "60",
            description = "Attempts of each upload after a dropped connection, 1 to 10000, each resuming from the bytes the "
                    + "aggregator stored; waits double from 0.2 s to at most 5 s between them, so the default rides out "
                    + "a link down for about 4.5 minutes (default: ${DEFAULT-VALUE}).")
    int uploadAttempts;
    @Option(names = "--evaluate", description = "Wait for a model trained on this site's modules, evaluate it on the local test images, report.")
    boolean evaluate;
    @Option(names = "--evaluate-only", description = "Train and upload nothing: evaluate the newest published model on the local test images and report.")
    boolean evaluateOnly;
    @Option(names = "--wait-seconds", defaultValue = "900", description = "How long --evaluate waits for a model (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (uploadAttempts < 1 || uploadAttempts > 10_000) {
            throw new IllegalArgumentException("--upload-attempts must be in [1, 10000], got " + uploadAttempts);
        }
        site.resolve();
        ModuleTraining.Plan plan = training.plan(site.seed);
        ManagedChannel channel = site.openChannel();
        String id = site.siteId();
        try {
            FederationSpec spec = site.awaitFederation(channel);
            SiteDataset data = site.readData(spec, out, !evaluateOnly);
            if (evaluateOnly) {
                evaluate(channel, spec, data.test(), Set.of());
                return 0;
            }
            Dataset train = data.train();
            out.printf("[%s] %d local training images of classes %s%n", id, train.size(), data.trainedClasses());
            SiteAudit audit = privacy.audit(site.seed, site.data);
            SiteAudit.Split split = audit == null ? new SiteAudit.Split(train, null) : audit.split(train);
            DpSgdConfig dp = privacy.dpSgd();
            List<TrainedModule> modules = ModuleTraining.trainAll(split.training(), id, plan, dp, out);

            ModuleUploader uploader = new ModuleUploader(channel, chunkKiB * 1024, uploadAttempts, 300);
            Set<String> mine = new HashSet<>();
            for (TrainedModule m : modules) {
                var manifest = PrivacyWire.withPrivacy(WireManifests.toWire(m.manifest()), m,
                        audit == null ? null : audit.audit(m, split, id, out));
                if (manifest.getProvenance().hasDifferentialPrivacy()) {
                    out.printf("[%s] DP-SGD: %s%n", id, DpGuarantee.fromProvenance(m.manifest().provenance()
                            .hyperparameters()).orElseThrow());
                }
                long t0 = System.nanoTime();
                UploadReceipt r = uploader.upload(site.federation(), manifest, m.onnx(), modules.size(), null);
                mine.add(r.getModuleId());
                out.printf("[%s] receipt: module %s %s, %d bytes in %.2f s, checks %s%n", id,
                        r.getModuleId().substring(0, 12), r.getAlreadyStored() ? "already stored" : "admitted",
                        r.getStoredBytes(), (System.nanoTime() - t0) / 1e9, r.getChecksPassedList());
            }
            if (evaluate) evaluate(channel, spec, data.test(), mine);
            return 0;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Evaluates on the test images only (a test split, or the held-out part never trained on). */
    private void evaluate(ManagedChannel channel, FederationSpec spec, Dataset test, Set<String> mine) throws Exception {
        String id = site.siteId();
        if (test.size() == 0) throw new SiteDataException("no test images to evaluate on (see the 'test images' line above)");
        out.printf("[%s] waiting up to %d s for a model trained on this site's modules...%n", id, waitSeconds);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        while (System.nanoTime() < deadline) {
            Optional<ModelVersionInfo> v = newestWith(channel, mine);
            if (v.isPresent()) {
                var model = ModelEvaluation.download(channel, site.federation(), v.get().getVersion());
                ClassificationReport report = ModelEvaluation.evaluate(model, test, training.threads);
                List<String> lines = HeldClassReport.of(report).lines();
                out.printf("[%s] model %s on %d local test images: %s%n", id, v.get().getVersion(), test.size(), lines.get(0));
                for (String line : lines.subList(1, lines.size())) out.printf("[%s] %s%n", id, line);
                FederationAdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .reportSiteMetrics(SiteMetricsReport.newBuilder().setFederationId(site.federation()).setSiteId(id)
                                .setVersion(v.get().getVersion()).setMetrics(ModelEvaluation.toWire(report)).build());
                return;
            }
            Thread.sleep(2000);
        }
        throw new IllegalStateException("no model trained on this site's modules within " + waitSeconds + " s");
    }

    private Optional<ModelVersionInfo> newestWith(ManagedChannel channel, Set<String> mine) {
        return FederationAdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listModelVersions(ListModelVersionsRequest.newBuilder().setFederationId(site.federation()).build())
                .getVersionsList().stream()
                .filter(v -> !v.getRevoked() && v.getLineageList().containsAll(mine))
                .reduce((a, b) -> b);
    }

    /** The site's TLS files (explicit options, the kit's, else --tls-dir's). */
    public CredentialFiles tlsFiles() {
        return site.tlsFiles();
    }
}
