package io.fedfactory.client.privacy;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.Datasets;
import io.fedfactory.generative.ModuleSampler;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.data.HoldOut;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.privacy.MemorizationAudit;
import io.fedfactory.privacy.MemorizationReport;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The site's memorization audit: holds out a seeded part of every local class before training, and
 * audits each trained module against its class's training and held-out images before upload. The
 * review image of the closest sample/training pairs stays in the site's folder; only the report's
 * numbers and verdict go into the manifest.
 */
public final class SiteAudit {

    private final MemorizationAudit audit;
    private final double holdOutFraction;
    private final long seed;
    private final Path reviewDir;

    /**
     * @param reviewDir where the closest-pairs PNGs go (inside the site's own folder; never uploaded)
     */
    public SiteAudit(MemorizationAudit audit, double holdOutFraction, long seed, Path reviewDir) {
        this.audit = audit;
        this.holdOutFraction = holdOutFraction;
        this.seed = seed;
        this.reviewDir = reviewDir;
    }

    /** The local images split, per class, into those modules train on and those held out. */
    public record Split(Dataset training, Dataset heldOut) {
    }

    /** Holds out {@code holdOutFraction} of each class (classes of a single image are not held out from). */
    public Split split(Dataset local) {
        List<Integer> training = new ArrayList<>();
        List<Integer> heldOut = new ArrayList<>();
        for (int c = 0; c < local.numClasses(); c++) {
            int[] indices = Datasets.indicesOfClass(local, c);
            if (indices.length < 2) {
                for (int i : indices) training.add(i);
                continue;
            }
            HoldOut h = HoldOut.split(indices.length, holdOutFraction, SplitMix64.derive(seed, "audit-hold-out", c));
            for (int i : h.training()) training.add(indices[i]);
            for (int i : h.heldOut()) heldOut.add(indices[i]);
        }
        return new Split(local.subset(local.name() + "/training", toArray(training)),
                local.subset(local.name() + "/held-out", toArray(heldOut)));
    }

    /** Audits {@code module} against its class's images in {@code split}; writes the review PNG; prints the verdict. */
    public MemorizationReport audit(TrainedModule module, Split split, String siteId, PrintStream out) throws IOException {
        int c = module.manifest().singleClass().index();
        Dataset training = split.training().subset("training", Datasets.indicesOfClass(split.training(), c));
        Dataset heldOut = split.heldOut().subset("held-out", Datasets.indicesOfClass(split.heldOut(), c));
        MemorizationAudit.Result result;
        try (ModuleSampler sampler = ModuleSampler.open(module.onnx(), module.manifest(), SamplingOptions.defaults())) {
            result = audit.run(sampler::sample, training.pixelsView(), heldOut.pixelsView(), training.spec());
        }
        Files.createDirectories(reviewDir);
        Path png = reviewDir.resolve(module.id().substring(0, 12) + "-closest-pairs.png");
        result.writeClosestPairs(png);
        String name = module.manifest().singleClass().name();
        out.printf("[%s] memorization audit of '%s' module %s in %.1f s: %s (closest pairs: %s)%n", siteId, name,
                module.id().substring(0, 12), result.report().wallSeconds(), result.report().summary(), png);
        return result.report();
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
