package io.fedfactory.client.evaluation;

import io.fedfactory.classifier.OnnxClassifier;
import io.fedfactory.data.Dataset;
import io.fedfactory.determinism.ContentHash;
import io.fedfactory.metrics.ClassificationReport;
import io.fedfactory.metrics.HeldClassReport;
import io.fedfactory.proto.v1.ClassificationMetrics;
import io.fedfactory.proto.v1.ModelChunk;
import io.fedfactory.proto.v1.ModelDownloadGrpc;
import io.fedfactory.proto.v1.ModelDownloadRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.grpc.Channel;

import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Downloads a published model, verifies its hash, and evaluates it on the site's local test data,
 * which never leaves the site: only the metrics are reported.
 */
public final class ModelEvaluation {

    /** A downloaded, verified model. */
    public record DownloadedModel(ModelVersionInfo info, byte[] onnx) {
    }

    public static DownloadedModel download(Channel channel, String federationId, String version) {
        Iterator<ModelChunk> chunks = ModelDownloadGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS)
                .download(ModelDownloadRequest.newBuilder().setFederationId(federationId).setVersion(version).build());
        ModelVersionInfo info = null;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (chunks.hasNext()) {
            ModelChunk c = chunks.next();
            if (c.hasInfo()) info = c.getInfo();
            if (c.getOffset() != bytes.size()) {
                throw new IllegalStateException("model chunk at offset " + c.getOffset() + " but " + bytes.size() + " bytes received");
            }
            bytes.writeBytes(c.getData().toByteArray());
        }
        if (info == null) throw new IllegalStateException("model download carried no version info");
        byte[] onnx = bytes.toByteArray();
        String hash = ContentHash.sha256Hex(onnx);
        if (!hash.equals(info.getOnnxSha256())) {
            throw new IllegalStateException("model " + info.getVersion() + " failed verification: SHA-256 " + hash
                    + " but the aggregator announced " + info.getOnnxSha256());
        }
        return new DownloadedModel(info, onnx);
    }

    /**
     * Class probabilities of every test image, in batches, with core's {@link OnnxClassifier} (the
     * execution layer's pinned session options, {@code threads} intra-op threads); the model's metadata
     * must match the test images' spec.
     */
    public static ClassificationReport evaluate(DownloadedModel model, Dataset test, int threads) {
        try (OnnxClassifier classifier = OnnxClassifier.load("model " + model.info().getVersion(), model.onnx(), threads)) {
            return ClassificationReport.evaluate(test.labels(), classifier.predict(test), test.labelNames());
        }
    }

    /** The site's report: per-class and macro figures over the classes its test images hold, absent ones named. */
    public static ClassificationMetrics toWire(ClassificationReport r) {
        HeldClassReport h = HeldClassReport.of(r);
        ClassificationMetrics.Builder m = ClassificationMetrics.newBuilder().setExamples(r.examples())
                .setAccuracy(r.accuracy()).setBalancedAccuracy(r.balancedAccuracy())
                .setMacroAuroc(Double.isNaN(r.macroAuroc()) ? 0 : r.macroAuroc()).setMacroF1(h.macroF1())
                .setMacroPrecision(h.macroPrecision()).setMacroRecall(h.macroRecall())
                .addAllAbsentClasses(h.absent()).setPredictedAbsent(h.predictedAbsent());
        double[] p = h.precision(), rc = h.recall(), f1 = h.f1();
        for (int i = 0; i < h.held().size(); i++) {
            String label = h.held().get(i);
            m.putPerClassF1(label, f1[i]).putPerClassPrecision(label, p[i]).putPerClassRecall(label, rc[i]);
        }
        return m.build();
    }

    private ModelEvaluation() {
    }
}
