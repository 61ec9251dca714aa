package io.fedfactory.client.privacy;

import io.fedfactory.privacy.DistanceStatistics;
import io.fedfactory.privacy.MemorizationReport;
import io.fedfactory.privacy.SpaceReport;
import io.fedfactory.proto.v1.MemorizationSpace;

/** A memorization report as the manifest carries it: numbers, thresholds and verdict, no images. */
public final class PrivacyWire {

    public static io.fedfactory.proto.v1.MemorizationReport toWire(MemorizationReport r) {
        return io.fedfactory.proto.v1.MemorizationReport.newBuilder()
                .setSamples(r.samples()).setTrainingImages(r.trainingImages()).setHeldOutImages(r.heldOutImages())
                .setSeed(r.seed()).setPixel(toWire(r.pixel())).setFeature(toWire(r.feature()))
                .setFeatureSpace(r.featureSpace()).setMaxCopyRate(r.thresholds().maxCopyRate())
                .setMinZu(r.thresholds().minZu()).setFlagged(r.flagged()).addAllReasons(r.reasons())
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
