package io.fedfactory.inference.api;

import io.fedfactory.inference.prediction.ImageInput;
import io.fedfactory.inference.prediction.Prediction;
import io.fedfactory.inference.prediction.PredictionException;
import io.fedfactory.inference.prediction.Predictor;
import io.fedfactory.proto.v1.InferenceGrpc;
import io.fedfactory.proto.v1.LabelScore;
import io.fedfactory.proto.v1.PredictBatchRequest;
import io.fedfactory.proto.v1.PredictBatchResponse;
import io.fedfactory.proto.v1.PredictRequest;
import io.fedfactory.proto.v1.PredictResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Inference} gRPC service: predictions from the served model of a federation.
 *
 * <p>Each call is handed from the event loop to a thread of {@link #predicting} once, as grpc-java's own
 * server does: the handler waits for its rows there, and answers from there. (Quarkus' {@code @Blocking}
 * would move every callback of the call, each to a worker and back; on a busy machine each move costs a
 * wake-up.)
 */
@GrpcService
public class InferenceGrpcService extends InferenceGrpc.InferenceImplBase {

    /** Threads answering predictions; idle ones end after a minute. */
    static final int PREDICTING_THREADS = 200;

    private final java.util.concurrent.ThreadPoolExecutor predicting = predicting();

    private static java.util.concurrent.ThreadPoolExecutor predicting() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(PREDICTING_THREADS,
                PREDICTING_THREADS, 60, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "grpc-predict-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        predicting.shutdown();
    }

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(InferenceGrpcService.class);

    @Inject
    Predictor predictor;

    @Inject
    MeterRegistry meters;

    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> response) {
        predicting.execute(() -> answer(request, response));
    }

    @Override
    public void predictBatch(PredictBatchRequest request, StreamObserver<PredictBatchResponse> response) {
        predicting.execute(() -> answerBatch(request, response));
    }

    private void answer(PredictRequest request, StreamObserver<PredictResponse> response) {
        try {
            Prediction p = predictor.predict(request.getFederationId(), List.of(image(request.getImage(), "image")),
                    request.getTopK() == 0 ? null : request.getTopK(), request.getRequiredVersion(), "grpc");
            response.onNext(PredictResponse.newBuilder().setPrediction(toProto(p.images().get(0)))
                    .setModelVersion(p.modelVersion()).build());
            response.onCompleted();
        } catch (PredictionException e) {
            refuse(response, e);
        } catch (RuntimeException e) {
            // A defect, typed INTERNAL (never UNAVAILABLE, which a client would retry).
            LOG.errorf(e, "prediction failed unexpectedly");
            refuse(response, PredictionException.failed("prediction failed: " + e));
        }
    }

    private void answerBatch(PredictBatchRequest request, StreamObserver<PredictBatchResponse> response) {
        try {
            List<ImageInput> images = new ArrayList<>(request.getImagesCount());
            for (int i = 0; i < request.getImagesCount(); i++) {
                images.add(image(request.getImages(i), "images[" + i + "]"));
            }
            Prediction p = predictor.predict(request.getFederationId(), images,
                    request.getTopK() == 0 ? null : request.getTopK(), request.getRequiredVersion(), "grpc");
            PredictBatchResponse.Builder out = PredictBatchResponse.newBuilder().setModelVersion(p.modelVersion());
            p.images().forEach(top -> out.addPredictions(toProto(top)));
            response.onNext(out.build());
            response.onCompleted();
        } catch (PredictionException e) {
            refuse(response, e);
        } catch (RuntimeException e) {
            // A defect, typed INTERNAL (never UNAVAILABLE, which a client would retry).
            LOG.errorf(e, "prediction failed unexpectedly");
            refuse(response, PredictionException.failed("prediction failed: " + e));
        }
    }

    private void refuse(StreamObserver<?> response, PredictionException e) {
        meters.counter("fedfactory_prediction_refusals_total", "transport", "grpc",
                "code", e.grpcCode().name().toLowerCase()).increment();
        response.onError(e.toStatus());
    }

    private static ImageInput image(io.fedfactory.proto.v1.ImageInput image, String field) {
        return switch (image.getPayloadCase()) {
            case TENSOR -> {
                var t = image.getTensor();
                float[] values = new float[t.getValuesCount()];
                for (int i = 0; i < values.length; i++) values[i] = t.getValues(i);
                long[] shape = t.getShapeList().stream().mapToLong(Long::longValue).toArray();
                yield new ImageInput.Tensor(values, shape, field + ".tensor.values", field + ".tensor.shape");
            }
            case PNG -> new ImageInput.Png(image.getPng().toByteArray(), field + ".png");
            case PAYLOAD_NOT_SET -> throw PredictionException.invalid(field, "carries neither tensor nor png");
        };
    }

    private static io.fedfactory.proto.v1.Prediction toProto(List<Prediction.LabelScore> top) {
        io.fedfactory.proto.v1.Prediction.Builder out = io.fedfactory.proto.v1.Prediction.newBuilder();
        for (Prediction.LabelScore s : top) {
            out.addTop(LabelScore.newBuilder().setLabel(s.label()).setIndex(s.index()).setProbability(s.probability()));
        }
        return out.build();
    }
}
