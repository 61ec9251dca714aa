package io.fedfactory.client;

import io.fedfactory.data.site.SiteDataset;
import io.fedfactory.client.training.ModuleTraining;
import io.fedfactory.lineage.WireManifests;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModuleKind;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The dry run: fetches the federation's spec from the aggregator, validates the local data against
 * it and prints what the job would train, how long that should take and what it would upload.
 * Trains nothing and uploads nothing.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Dry run: validate the local data against the federation's spec (fetched from the aggregator) and "
                + "print what would be trained, how long it should take and what would be uploaded. Trains nothing, "
                + "uploads nothing. Exit status 0 when the job would run, 3 when the data would be refused."})
public final class CheckCommand implements Callable<Integer> {

    @Mixin
    SiteOptions site = new SiteOptions();
    @Mixin
    TrainingOptions training = new TrainingOptions();

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        site.resolve();
        ModuleTraining.Plan plan = training.plan(site.seed);
        String id = site.siteId();
        ManagedChannel channel = site.openChannel();
        try {
            FederationSpec spec = site.awaitFederation(channel);
            var is = spec.getImageSpec();
            out.printf("[%s] federation %s: labels %s, images %dx%dx%d in [%s, %s], %d synthetic samples per class%n", id,
                    spec.getFederationId(), spec.getLabelNamesList(), is.getChannels(), is.getHeight(), is.getWidth(),
                    is.getValueMin(), is.getValueMax(), spec.getSamplesPerClass());
            ModuleKind kind = WireManifests.wireKind(io.fedfactory.generative.ModuleKind.fromWireName(plan.kind()));
            if (!spec.getAcceptedKindsList().contains(kind)) {
                throw new IllegalArgumentException("--kind " + plan.kind() + ": federation " + spec.getFederationId()
                        + " accepts " + spec.getAcceptedKindsList());
            }
            SiteDataset data = site.readData(spec, out, true);
            int pixels = is.getChannels() * is.getHeight() * is.getWidth();
            int[] counts = data.train().classCounts();
            double seconds = 0;
            int modules = 0;
            for (int c = 0; c < counts.length; c++) {
                if (counts[c] == 0) continue;
                double s = plan.estimatedSeconds(counts[c], pixels);
                seconds += s;
                modules++;
                out.printf(Locale.ROOT, "[%s] would train a %s module for '%s' on %d images: about %.0f s%n", id,
                        plan.kind(), spec.getLabelNames(c), counts[c], Math.ceil(s));
            }
            long bytes = plan.estimatedBytes(pixels);
            out.printf(Locale.ROOT, "[%s] would take about %.0f s of training at %d thread(s) (a rough figure for a "
                    + "2-core machine), then upload %d %s to %s for federation %s%s%n", id, Math.ceil(seconds),
                    training.threads, modules, modules == 1 ? "module" : "modules", site.aggregator, spec.getFederationId(),
                    bytes > 0 ? String.format(Locale.ROOT, ", about %.0f KiB each, %.0f KiB in all", bytes / 1024.0,
                            modules * bytes / 1024.0) : " (sizes known after training)");
            out.printf("[%s] --evaluate would read %d test images (%s)%n", id, data.test().size(), data.testSource());
            out.printf("[%s] dry run: nothing trained, nothing uploaded%n", id);
            return 0;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
