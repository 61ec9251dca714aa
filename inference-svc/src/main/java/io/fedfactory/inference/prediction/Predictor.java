package io.fedfactory.inference.prediction;

import io.fedfactory.inference.batching.QueueFullException;
import io.fedfactory.inference.catalog.ModelCatalog;
import io.fedfactory.inference.serving.ModelFetcher;
import io.fedfactory.inference.serving.ServedModel;
import io.fedfactory.inference.serving.ServedModels;
import io.fedfactory.inference.serving.ServingSettings;
import io.fedfactory.inference.serving.ServingState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Answers prediction requests from either transport: finds the federation's served model, takes a
 * reference on it (so it cannot close underneath the request), checks the request against its image
 * spec and labels, queues the images on its micro-batcher and waits for their rows.
 */
@ApplicationScoped
public class Predictor {

    /** Labels returned when the caller does not say (the proto's default). */
    static final int DEFAULT_TOP_K = 3;

    @Inject
    ServedModels served;

    @Inject
    ModelCatalog catalog;

    @Inject
    ModelFetcher fetcher;

    @Inject
    ServingSettings settings;

    @Inject
    MeterRegistry meters;

    private record LatencyKey(String transport, String outcome) {
    }

    private record CountKey(String federation, String version, String transport) {
    }

    // Meters are resolved once per key, not looked up in the registry on every request.
    private final Map<LatencyKey, Timer> latency = new ConcurrentHashMap<>();
    private final Map<CountKey, Counter> predictions = new ConcurrentHashMap<>();

    /**
     * @param federationId    may be empty when exactly one federation is served
     * @param topK            null for the default
     * @param requiredVersion empty for "whichever is served"
     * @param transport       "grpc" or "rest" (a metric tag)
     */
    public Prediction predict(String federationId, List<ImageInput> images, Integer topK, String requiredVersion,
                              String transport) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            Prediction answer = answer(federationId, images, topK, requiredVersion == null ? "" : requiredVersion, transport);
            outcome = "ok";
            return answer;
        } catch (PredictionException e) {
            outcome = e.grpcCode().name().toLowerCase();
            throw e;
        } finally {
            latency.computeIfAbsent(new LatencyKey(transport, outcome), k -> Timer.builder("fedfactory_prediction_latency")
                            .description("time from a request's arrival to its answer")
                            .tags("transport", k.transport(), "outcome", k.outcome())
                            .publishPercentiles(0.5, 0.99).register(meters))
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private Prediction answer(String federationId, List<ImageInput> images, Integer topK, String requiredVersion,
                              String transport) {
        String federation = resolveFederation(federationId);
        if (images.isEmpty()) {
            throw PredictionException.invalid("images", "at least one image is required");
        }
        if (images.size() > settings.maxBatch()) {
            throw PredictionException.overLimit("images", "MAX_BATCH", "fedfactory.inference.max-batch=" + settings.maxBatch(),
                    "has " + images.size() + " images; at most " + settings.maxBatch()
                    + " per request (fedfactory.inference.max-batch)");
        }
        if (!requiredVersion.isEmpty() && catalog.isRevoked(requiredVersion)) {
            throw PredictionException.versionRevoked("required_version: '" + requiredVersion + "' was revoked ("
                    + reasonOf(requiredVersion) + ") and never answers again");
        }
        ServedModel model = acquire(federation);
        List<CompletableFuture<float[]>> rows = new ArrayList<>(images.size());
        try {
            if (!requiredVersion.isEmpty() && !requiredVersion.equals(model.version())) {
                throw PredictionException.versionConflict("required_version: '" + requiredVersion + "' is not the "
                        + "version federation '" + federation + "' serves ('" + model.version() + "')");
            }
            int classes = model.labels().size();
            int k = topK == null ? Math.min(DEFAULT_TOP_K, classes) : topK;
            if (k < 1 || k > classes) {
                throw PredictionException.overLimit("top_k", "TOP_K", "1.." + classes, "must be in 1.." + classes
                        + " (the model's label count), got " + k);
            }
            List<float[]> pixels = new ArrayList<>(images.size());
            for (ImageInput image : images) pixels.add(toPixels(image, model));
            for (float[] p : pixels) rows.add(model.predict(p));
            List<List<Prediction.LabelScore>> answers = new ArrayList<>(rows.size());
            for (float[] row : await(rows, model.version())) answers.add(Prediction.top(row, model.labels(), k));
            predictions.computeIfAbsent(new CountKey(federation, model.version(), transport),
                    key -> meters.counter("fedfactory_predictions_total", "federation", key.federation(),
                            "version", key.version(), "transport", key.transport())).increment(images.size());
            return new Prediction(federation, model.version(), answers);
        } catch (QueueFullException e) {
            throw PredictionException.overloaded(e.getMessage());
        } finally {
            // The model may close only once every queued row is out of the batcher.
            CompletableFuture.allOf(rows.toArray(CompletableFuture[]::new)).whenComplete((r, e) -> model.release());
        }
    }

    private String resolveFederation(String federationId) {
        if (!federationId.isEmpty()) return federationId;
        Set<String> servedFederations = served.federations();
        if (servedFederations.size() == 1) return servedFederations.iterator().next();
        if (servedFederations.isEmpty()) {
            throw PredictionException.notServed("federation_id: empty, and no federation is served yet");
        }
        throw PredictionException.invalid("federation_id", "is required: " + servedFederations.size()
                + " federations are served " + servedFederations);
    }

    /** Takes a reference on the federation's served model, or says why nothing can answer. */
    private ServedModel acquire(String federation) {
        while (true) {
            ServingState state = served.state(federation).orElse(null);
            if (state instanceof ServingState.Serving s) {
                if (s.model().tryAcquire()) return s.model();
                continue; // swapped out and closing just now: the slot already holds its successor
            }
            if (state instanceof ServingState.Withdrawn w) {
                throw PredictionException.notServed("model version '" + w.version().getVersion() + "' of federation '"
                        + federation + "' was revoked (" + reasonOf(w.version().getVersion())
                        + "); no newer unrevoked version is loaded yet");
            }
            if (catalog.federation(federation).isEmpty() && catalog.current(federation).isEmpty()) {
                throw PredictionException.unknownFederation(federation);
            }
            String loading = fetcher.status(federation)
                    .map(f -> "; version '" + f.version() + "' is " + f.state()
                            + (f.message().isEmpty() ? "" : ": " + f.message()))
                    .orElse("; no version is published");
            throw PredictionException.notServed("federation '" + federation + "' has no served model yet" + loading);
        }
    }

    private float[] toPixels(ImageInput image, ServedModel model) {
        if (image instanceof ImageInput.Tensor t) {
            return TensorCheck.check(t.values(), t.shape(), model.spec(), t.valuesField(), t.shapeField());
        }
        ImageInput.Png png = (ImageInput.Png) image;
        if (png.bytes().length > settings.maxBodyBytes()) {
            throw PredictionException.overLimit(png.field(), "MAX_BODY_BYTES", "fedfactory.inference.max-body-bytes="
                    + settings.maxBodyBytes(), "has " + png.bytes().length + " bytes; at most "
                    + settings.maxBodyBytes() + " (fedfactory.inference.max-body-bytes)");
        }
        return PngDecoder.decode(png.bytes(), model.spec(), png.field());
    }

    private List<float[]> await(List<CompletableFuture<float[]>> rows, String version) {
        long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
        List<float[]> out = new ArrayList<>(rows.size());
        try {
            for (CompletableFuture<float[]> row : rows) {
                out.add(row.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return out;
        } catch (TimeoutException e) {
            throw PredictionException.timedOut("no answer from " + version + " within "
                    + settings.requestTimeout().toMillis() + " ms (fedfactory.inference.request-timeout)");
        } catch (ExecutionException e) {
            throw PredictionException.failed(version + " failed on this input: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PredictionException.failed("interrupted while waiting for " + version);
        }
    }

    private String reasonOf(String version) {
        String reason = catalog.revocationReason(version).orElse("");
        return reason.isEmpty() ? "no reason given" : "reason: " + reason;
    }
}
