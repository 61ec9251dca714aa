package io.fedfactory.deploy.local;

import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.data.Dataset;
import io.fedfactory.metrics.ClassificationReport;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.GetCertificateRequest;
import io.fedfactory.proto.v1.ImageInput;
import io.fedfactory.proto.v1.InferenceGrpc;
import io.fedfactory.proto.v1.LabelScore;
import io.fedfactory.proto.v1.PredictBatchRequest;
import io.fedfactory.proto.v1.PredictBatchResponse;
import io.fedfactory.proto.v1.PredictRequest;
import io.fedfactory.proto.v1.RawTensor;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.fedfactory.deploy.tls.ClientTls;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the operator checks from the outside: the served version, its accuracy, refusals, certificates. */
final class Inspection {

    private static final Pattern SERVED = Pattern.compile("\"servedVersion\"\\s*:\\s*\"([^\"]+)\"");
    private static final int BATCH = 64;

    private final ServiceProcess inference;
    private final ManagedChannel inferenceChannel;
    private final String federation;
    private final Dataset test;
    private final SiteRuns.Say say;
    private final HttpClient http;

    /** @param application the credential predictions are asked with (over gRPC and HTTPS) */
    Inspection(ServiceProcess inference, ClientTls application, String federation, Dataset test, SiteRuns.Say say) {
        this.inference = inference;
        this.inferenceChannel = application.channel("127.0.0.1", inference.grpcPort(), 32 << 20);
        this.http = application.httpClient(Duration.ofSeconds(5));
        this.federation = federation;
        this.test = test;
        this.say = say;
    }

    /** Waits until the inference service serves a version other than {@code previous}. */
    String awaitServedVersion(String previous, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            String body = get("/v1/federations/" + federation);
            Matcher m = SERVED.matcher(body == null ? "" : body);
            if (m.find() && !m.group(1).equals(previous)) return m.group(1);
            if (body != null && !body.equals(last)) {
                last = body;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("no new model served within " + timeout.toSeconds() + " s; last status: " + last
                + "\ninference log:\n" + inference.logTail(20));
    }

    /** Every test image through the inference service's gRPC batch API, answered by {@code version}. */
    Map<String, Object> evaluate(String version) {
        float[][] scores = predictAll(version);
        ClassificationReport r = ClassificationReport.evaluate(test.labels(), scores, test.labelNames());
        say.say("%s", r.summary().replace("\n", "\n   "));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", version);
        out.put("accuracy", r.accuracy());
        out.put("balanced_accuracy", r.balancedAccuracy());
        out.put("macro_auroc", r.macroAuroc());
        out.put("macro_f1", r.macroF1());
        return out;
    }

    long countPredicted(String version, int label) {
        float[][] scores = predictAll(version);
        long n = 0;
        for (float[] s : scores) {
            int best = 0;
            for (int k = 1; k < s.length; k++) if (s[k] > s[best]) best = k;
            if (best == label) n++;
        }
        return n;
    }

    private float[][] predictAll(String version) {
        var stub = InferenceGrpc.newBlockingStub(inferenceChannel);
        int k = test.numClasses();
        float[][] scores = new float[test.size()][k];
        var spec = test.spec();
        for (int start = 0; start < test.size(); start += BATCH) {
            int n = Math.min(BATCH, test.size() - start);
            PredictBatchRequest.Builder req = PredictBatchRequest.newBuilder().setFederationId(federation).setTopK(k)
                    .setRequiredVersion(version);
            for (int i = start; i < start + n; i++) {
                RawTensor.Builder t = RawTensor.newBuilder().addShape(spec.channels()).addShape(spec.height()).addShape(spec.width());
                for (float v : test.image(i)) t.addValues(v);
                req.addImages(ImageInput.newBuilder().setTensor(t));
            }
            PredictBatchResponse resp = stub.withDeadlineAfter(60, TimeUnit.SECONDS).predictBatch(req.build());
            if (!resp.getModelVersion().equals(version)) {
                throw new IllegalStateException("answered by " + resp.getModelVersion() + ", not " + version);
            }
            for (int i = 0; i < n; i++) {
                for (LabelScore s : resp.getPredictions(i).getTopList()) scores[start + i][s.getIndex()] = s.getProbability();
            }
        }
        return scores;
    }

    /** A few real test images as PNG through REST; prints the answers. */
    void showPngPredictions(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            int idx = i * 1111 % test.size();
            byte[] png = png(test.image(idx), test.spec().height(), test.spec().width());
            HttpRequest req = HttpRequest.newBuilder(URI.create(inference.httpUrl() + "/v1/federations/" + federation
                            + "/predict?top_k=2")).header("Content-Type", "image/png")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            say.say("test image %d (truly '%s') as PNG -> HTTP %d %s", idx, test.labelNames().get(test.label(idx)),
                    r.statusCode(), r.body());
        }
    }

    /** Seconds until a request that requires {@code version} is refused. */
    double awaitRefused(String version, Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        var stub = InferenceGrpc.newBlockingStub(inferenceChannel);
        RawTensor.Builder t = RawTensor.newBuilder().addShape(test.spec().channels()).addShape(test.spec().height())
                .addShape(test.spec().width());
        for (float v : test.image(0)) t.addValues(v);
        PredictRequest req = PredictRequest.newBuilder().setFederationId(federation).setRequiredVersion(version)
                .setImage(ImageInput.newBuilder().setTensor(t)).setTopK(1).build();
        while (System.nanoTime() - t0 < timeout.toNanos()) {
            try {
                stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(req);
            } catch (StatusRuntimeException e) {
                // Refused because the version is revoked (or no longer the one served): what the deletion must cause.
                String reason = TypedErrors.reason(e);
                if (reason.equals("VERSION_REVOKED") || reason.equals("VERSION_CONFLICT") || reason.equals("NOT_SERVED")) {
                    say.say("request requiring %s refused: %s", version, TypedErrors.describe(e));
                    return (System.nanoTime() - t0) / 1e9;
                }
                throw e;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(version + " was still served " + timeout.toSeconds() + " s after its deletion");
    }

    UnlearningCertificate awaitCertificate(FederationAdminGrpc.FederationAdminBlockingStub admin, String id,
                                           Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            UnlearningCertificate c = admin.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getCertificate(GetCertificateRequest.newBuilder().setCertificateId(id).build());
            if (c.getComplete()) return c;
            Thread.sleep(2000);
        }
        throw new IllegalStateException("certificate " + id + " not complete within " + timeout.toSeconds() + " s");
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(inference.httpUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : null;
    }

    private static byte[] png(float[] chw, int h, int w) throws java.io.IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = Math.round(Math.max(0, Math.min(1, chw[y * w + x])) * 255);
                img.getRaster().setSample(x, y, 0, v);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
