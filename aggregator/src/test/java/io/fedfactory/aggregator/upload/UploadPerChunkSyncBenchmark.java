package io.fedfactory.aggregator.upload;

import io.fedfactory.aggregator.fixtures.TestPki;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.Map;

/**
 * {@link UploadThroughputBenchmark} with the earlier fsync policy, a flush after every chunk
 * ({@code fedfactory.upload.sync-interval-bytes=0}), so {@code bench/perf} shows both policies side by side.
 */
@QuarkusTest
@TestProfile(UploadPerChunkSyncBenchmark.PerChunk.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
@EnabledIfSystemProperty(named = "fedfactory.bench.upload", matches = "true")
class UploadPerChunkSyncBenchmark extends UploadThroughputBenchmark {

    public static class PerChunk implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fedfactory.upload.sync-interval-bytes", "0");
        }
    }

    @Override
    String partName() {
        return "upload-fsync-every-chunk";
    }
}
