package io.fedfactory.lineage;

import io.fedfactory.generative.TrainedModule;
import io.fedfactory.privacy.DistanceStatistics;
import io.fedfactory.privacy.DpGuarantee;
import io.fedfactory.privacy.MemorizationReport;
import io.fedfactory.privacy.SpaceReport;
import io.fedfactory.proto.v1.DifferentialPrivacy;
import io.fedfactory.proto.v1.DpPhase;
import io.fedfactory.proto.v1.MemorizationSpace;

/** A memorization report as the manifest carries it: numbers, thresholds and verdict, no images. */
public final class PrivacyWire {

    /** {@code wire} with the module's DP guarantee (if trained with DP-SGD) and its memorization report (if audited). */
    public static io.fedfactory.proto.v1.ModuleManifest withPrivacy(io.fedfactory.proto.v1.ModuleManifest wire,
                                                                    TrainedModule module, MemorizationReport report) {
        var b = wire.toBuilder();
        DpGuarantee.fromProvenance(module.manifest().provenance().hyperparameters())
                .ifPresent(g -> b.getProvenanceBuilder().setDifferentialPrivacy(toWire(g)));
        if (report != null) b.setMemorization(toWire(report));
        return b.build();
    }

    /** The guarantee as the manifest's {@code provenance.differential_privacy}, later phases included. */
    public static DifferentialPrivacy toWire(DpGuarantee g) {
        DifferentialPrivacy.Builder dp = DifferentialPrivacy.newBuilder()
                .setEpsilon(g.epsilon()).setDelta(g.delta()).setNoiseMultiplier(g.noiseMultiplier())
                .setClipNorm(g.clipNorm()).setMicrobatchSize(g.microbatchSize())
                .setSamplingRate(g.samplingRate()).setSteps(g.steps()).setSampling(g.sampling())
                .setAccountant(g.accountant());
        for (DpGuarantee.Phase p : g.laterPhases()) {
            dp.addLaterPhases(DpPhase.newBuilder().setNoiseMultiplier(p.noiseMultiplier()).setClipNorm(p.clipNorm())
                    .setMicrobatchSize(p.microbatchSize()).setSamplingRate(p.samplingRate()).setSteps(p.steps()));
        }
        return dp.build();
    }

    public static io.fedfactory.proto.v1.MemorizationReport toWire(MemorizationReport r) {
        return io.fedfactory.proto.v1.MemorizationReport.newBuilder()
                .setSamples(r.samples()).setTrainingImages(r.trainingImages()).setHeldOutImages(r.heldOutImages())
                .setSeed(r.seed()).setPixel(toWire(r.pixel())).setFeature(toWire(r.feature()))
                .setFeatureSpace(r.featureSpace()).setMaxCopyRate(r.thresholds().maxCopyRate())
                .setMaxNearerTrainingShare(r.thresholds().maxNearerTrainingShare()).setFlagged(r.flagged()).addAllReasons(r.reasons())
                .setWallSeconds(r.wallSeconds()).build();
    }

    private static MemorizationSpace toWire(SpaceReport s) {
        return MemorizationSpace.newBuilder().setSamplesToTraining(toWire(s.samplesToTraining()))
                .setSamplesToHeldOut(toWire(s.samplesToHeldOut())).setHeldOutToTraining(toWire(s.heldOutToTraining()))
                .setCopyThreshold(s.copyThreshold()).setCopyRate(s.copyRate())
                .setNearerTrainingShare(s.nearerTrainingShare()).setZu(s.test().zu()).setZuPValue(s.test().pValue())
                .build();
    }

    private static io.fedfactory.proto.v1.DistanceStatistics toWire(DistanceStatistics d) {
        return io.fedfactory.proto.v1.DistanceStatistics.newBuilder().setMin(d.min()).setP05(d.p05())
                .setMedian(d.median()).setMean(d.mean()).build();
    }

    private PrivacyWire() {
    }
}
