package io.fedfactory.inference;

import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.fedfactory.inference.TestClassifiers.ROWS_V1;
import static io.fedfactory.inference.TestClassifiers.info;
import static io.fedfactory.inference.TestClassifiers.rowClassifier;
import static io.fedfactory.inference.TestClassifiers.rowImage;
import static io.fedfactory.inference.TestTls.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Versions arriving out of order, from the cache, or failing verification, each in its own federation. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TlsTestResource.class)
@Order(2)
class ModelLifecycleTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "fedfactory.inference.cache-dir")
    String cacheDir;

    static JsonPath federation(String id) {
        return given().get("/v1/federations/" + id).then().statusCode(200).extract().jsonPath();
    }

    static void awaitServed(String federation, String version) {
        Waiting.untilServed(federation, version);
    }

    static void awaitFailure(String federation, String reason) {
        Waiting.until(WAIT, () -> ScrapedMetrics.sum("fedfactory_model_download_failures_total",
                        "federation=\"" + federation + "\"", "reason=\"" + reason + "\"") > 0,
                () -> "no " + reason + " failure for " + federation + ": " + given().get("/v1/federations/" + federation).asString());
    }

    @Test
    void aVersionRevokedBeforeItsPublicationArrivesIsNeverLoaded() {
        String fed = "fed-late";
        byte[] v1Bytes = rowClassifier(new int[] {2, 0, 1});
        byte[] v2Bytes = rowClassifier(new int[] {1, 0, 2});
        ModelVersionInfo v1 = info(fed, 1, v1Bytes);
        FakeAggregator.shared().put(v1, v1Bytes);
        FakeAggregator.shared().put(info(fed, 2, v2Bytes), v2Bytes);
        EventFeed.federationOpened(fed);
        EventFeed.modelRevoked(fed, v1.getVersion(), "deleted module m1");
        EventFeed.modelPublished(v1);
        EventFeed.modelPublished(info(fed, 2, v2Bytes));
        awaitServed(fed, "fed-late-v2");
        assertEquals(0, FakeAggregator.shared().downloadsStarted("fed-late-v1"), "the revoked version was fetched");
        given().contentType("application/json").body(TestImages.json4x4(rowImage(1, 1, 0)))
                .post("/v1/federations/" + fed + "/predict").then().statusCode(200)
                .body("modelVersion", equalTo("fed-late-v2")).body("top[0].label", equalTo("a"));
    }

    @Test
    void aServedVersionThatIsRevokedStaysRevokedWhenItsPublicationIsReplayed() {
        String fed = "fed-replay";
        byte[] bytes = rowClassifier(new int[] {0, 1, 3});
        ModelVersionInfo v1 = info(fed, 1, bytes);
        FakeAggregator.shared().put(v1, bytes);
        EventFeed.federationOpened(fed);
        EventFeed.modelPublished(v1);
        awaitServed(fed, "fed-replay-v1");
        EventFeed.modelRevoked(fed, "fed-replay-v1", "consent withdrawn");
        EventFeed.modelPublished(v1);
        // A later federation's model loading proves the fetcher has run since the replay.
        String marker = "fed-replay-marker";
        byte[] markerBytes = rowClassifier(new int[] {3, 1, 0});
        FakeAggregator.shared().put(info(marker, 1, markerBytes), markerBytes);
        EventFeed.federationOpened(marker);
        EventFeed.modelPublished(info(marker, 1, markerBytes));
        awaitServed(marker, "fed-replay-marker-v1");
        JsonPath view = federation(fed);
        assertEquals("revoked", view.getString("serving"));
        assertNull(view.getString("currentVersion"));
        assertEquals(1, FakeAggregator.shared().downloadsStarted("fed-replay-v1"));
        given().contentType("application/json").body(TestImages.json4x4(rowImage(1, 1, 0)))
                .post("/v1/federations/" + fed + "/predict").then().statusCode(503)
                .body("reason", equalTo("NOT_SERVED")).body("field", equalTo("federation_id"));
    }

    @Test
    void cachedBytesAreServedWithoutADownloadAndDamagedOnesAreFetchedAgain() throws Exception {
        String fed = "fed-cache";
        byte[] bytes = rowClassifier(new int[] {1, 1, 2});
        ModelVersionInfo v1 = info(fed, 1, bytes);
        Files.createDirectories(Path.of(cacheDir));
        Files.write(Path.of(cacheDir, v1.getOnnxSha256() + ".onnx"), bytes);
        String cacheFetches = "federation=\"" + fed + "\"";
        EventFeed.federationOpened(fed);
        EventFeed.modelPublished(v1); // the aggregator does not know it: only the cache can serve it
        awaitServed(fed, "fed-cache-v1");
        assertEquals(0, FakeAggregator.shared().downloadsStarted("fed-cache-v1"));
        assertEquals(1, ScrapedMetrics.sum("fedfactory_model_fetches_total", cacheFetches, "source=\"cache\""));

        String damagedFed = "fed-cache-damaged";
        byte[] good = rowClassifier(new int[] {2, 2, 0});
        ModelVersionInfo d1 = info(damagedFed, 1, good);
        byte[] damaged = good.clone();
        damaged[10] ^= 0x40;
        Files.write(Path.of(cacheDir, d1.getOnnxSha256() + ".onnx"), damaged);
        FakeAggregator.shared().put(d1, good);
        EventFeed.federationOpened(damagedFed);
        EventFeed.modelPublished(d1);
        awaitServed(damagedFed, "fed-cache-damaged-v1");
        assertEquals(1, FakeAggregator.shared().downloadsCompleted("fed-cache-damaged-v1"));
        assertTrue(java.util.Arrays.equals(good, Files.readAllBytes(Path.of(cacheDir, d1.getOnnxSha256() + ".onnx"))));
    }

    @Test
    void aModelWhoseSignatureOrOutputDoesNotFitItsVersionInfoIsRefused() {
        // Four label names, but the graph answers three classes.
        String fed = "fed-signature";
        byte[] bytes = rowClassifier(ROWS_V1);
        ModelVersionInfo v1 = info(fed, 1, bytes).toBuilder().addLabelNames("d").build();
        FakeAggregator.shared().put(v1, bytes);
        EventFeed.federationOpened(fed);
        EventFeed.modelPublished(v1);
        awaitFailure(fed, "signature");
        JsonPath view = federation(fed);
        assertEquals("none", view.getString("serving"));
        assertTrue(view.getString("fetch.message").contains("output \"probabilities\" has shape [-1, 3], expected [N, 4]"),
                view.getString("fetch.message"));

        // Logits instead of probabilities: the probe image's outputs do not sum to 1.
        String probeFed = "fed-probe";
        byte[] logits = rowClassifier(ROWS_V1, false);
        FakeAggregator.shared().put(info(probeFed, 1, logits), logits);
        EventFeed.federationOpened(probeFed);
        EventFeed.modelPublished(info(probeFed, 1, logits));
        awaitFailure(probeFed, "probe");
        assertTrue(federation(probeFed).getString("fetch.message").contains("the probe gives"), federation(probeFed).getString("fetch.message"));
        given().contentType("application/json").body(TestImages.json4x4(rowImage(1, 1, 0)))
                .post("/v1/federations/" + probeFed + "/predict").then().statusCode(503)
                .body("reason", equalTo("NOT_SERVED")).body("field", equalTo("federation_id"));
    }
}
