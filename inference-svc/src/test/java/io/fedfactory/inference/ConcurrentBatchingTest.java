package io.fedfactory.inference;

import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.proto.v1.InferenceGrpc;
import io.fedfactory.proto.v1.LabelScore;
import io.fedfactory.proto.v1.PredictRequest;
import io.fedfactory.proto.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.fedfactory.inference.TestClassifiers.ROWS_V2;
import static io.fedfactory.inference.TestClassifiers.expected;
import static io.fedfactory.inference.TestClassifiers.info;
import static io.fedfactory.inference.TestClassifiers.rowClassifier;
import static io.fedfactory.inference.TestTls.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many concurrent single predictions of different images share ONNX Runtime calls, and each caller
 * still gets the answer for its own image.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TlsTestResource.class)
@Order(4)
class ConcurrentBatchingTest {

    static final String FED = "fed-batch";
    static final int CALLERS = 32;
    static final int ROUNDS = 4;

    @Test
    void concurrentRequestsAreBatchedAndEachGetsItsOwnRow() throws Exception {
        byte[] bytes = rowClassifier(ROWS_V2);
        FakeAggregator.shared().put(info(FED, 1, bytes), bytes);
        EventFeed.federationOpened(FED);
        EventFeed.modelPublished(info(FED, 1, bytes));
        Waiting.untilServed(FED, "fed-batch-v1");

        ManagedChannel channel = TestTls.applicationChannel();
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try {
            InferenceGrpc.InferenceBlockingStub grpc = InferenceGrpc.newBlockingStub(channel);
            for (int round = 0; round < ROUNDS; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int c = 0; c < CALLERS; c++) {
                    Random random = new Random(round * 1000L + c);
                    float[] image = new float[16];
                    for (int i = 0; i < 16; i++) image[i] = random.nextFloat();
                    results.add(pool.submit(() -> {
                        start.await();
                        PredictResponse r = grpc.withDeadlineAfter(60, TimeUnit.SECONDS).predict(PredictRequest.newBuilder()
                                .setFederationId(FED).setImage(TestImages.tensor4x4(image)).build());
                        return check(image, r);
                    }));
                }
                start.countDown();
                for (Future<String> f : results) assertEquals("", f.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        String tag = "federation=\"" + FED + "\"";
        double batches = ScrapedMetrics.sum("fedfactory_inference_batch_size_count", tag);
        double images = ScrapedMetrics.sum("fedfactory_inference_batch_size_sum", tag);
        double largest = ScrapedMetrics.sum("fedfactory_inference_batch_size_max", tag);
        // The probe runs outside the batcher, so every image counted here is a request's.
        assertEquals(CALLERS * ROUNDS, images, 0.0);
        assertTrue(batches < images, batches + " ONNX Runtime calls for " + images + " images: nothing was batched");
        assertTrue(largest > 1 && largest <= 16, "largest batch " + largest + " (max-batch 16)");
        JsonPath view = given().get("/v1/federations/" + FED).then().extract().jsonPath();
        assertEquals("fed-batch-v1", view.getString("servedVersion"));
        System.out.printf("%d concurrent predictions ran in %.0f ONNX Runtime calls (largest batch %.0f)%n",
                CALLERS * ROUNDS, batches, largest);
    }

    /** Empty when the answer is the one for this caller's image; otherwise what went wrong. */
    private static String check(float[] image, PredictResponse r) {
        float[] want = expected(ROWS_V2, image);
        if (!r.getModelVersion().equals("fed-batch-v1")) return "answered by " + r.getModelVersion();
        if (r.getPrediction().getTopCount() != 3) return "top " + r.getPrediction().getTopCount();
        for (LabelScore s : r.getPrediction().getTopList()) {
            if (Math.abs(want[s.getIndex()] - s.getProbability()) > 1e-5) {
                return "label " + s.getLabel() + " p=" + s.getProbability() + ", this image needs " + want[s.getIndex()];
            }
        }
        return "";
    }
}
