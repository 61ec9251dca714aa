package io.fedfactory.aggregator.upload;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fedfactory.aggregator.fixtures.Clients;
import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.aggregator.fixtures.TestPki;
import io.fedfactory.aggregator.fixtures.UploadCall;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.fuzz.BoundaryFuzz;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.UploadChunk;
import io.fedfactory.proto.v1.UploadHeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uploads with mutated headers and chunk sequences (wrong offsets, duplicated, dropped, oversized or
 * empty chunks, early ends) against the running aggregator: each ends in a receipt or in a typed
 * refusal (an ErrorInfo reason, never INTERNAL or UNKNOWN), and a refused module is not stored
 * ({@link BoundaryFuzz}; cases: -Dfedfactory.fuzz.cases, a fifth of them here: each is a real upload).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
class UploadFuzzTest {

    private static final Set<Status.Code> NEVER = Set.of(Status.Code.INTERNAL, Status.Code.UNKNOWN);

    @Inject
    AggregatorStore store;

    @Test
    void mutatedUploadsEndInAReceiptOrANamedRefusalAndStoreNothingWhenRefused() {
        String fed = "fed-upload-fuzz";
        Clients.coordinator().createFederation(CreateFederationRequest.newBuilder().setSpec(ModuleFixtures.spec(fed)).build());
        BoundaryFuzz configured = BoundaryFuzz.configured();
        BoundaryFuzz fuzz = BoundaryFuzz.of(Long.getLong("fedfactory.fuzz.seed", 13), Math.max(10, configured.cases() / 5))
                .within(Duration.ofSeconds(60));
        int[] outcomes = new int[2];
        byte[][] valid = {header(fed, 0).toByteArray()};
        fuzz.run("upload", valid, (i, bytes) -> {
            UploadHeader mutated;
            try {
                mutated = UploadHeader.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                mutated = header(fed, i); // not a header at all: fuzz the chunk sequence of a valid one instead
            }
            // Each case sends a module of its own, so "nothing stored after a refusal" is about this case alone.
            byte[] module = ModuleFixtures.decoder(5000 + i);
            UploadHeader h = mutated.toBuilder().setUploadId("fuzz-" + i + "-" + (mutated.getUploadId().hashCode() & 0xffff))
                    .setManifest(mutated.getManifest().toBuilder().setContentSha256(ModuleFixtures.sha256(module)))
                    .build();
            if (i % 3 == 0) h = h.toBuilder().setTotalBytes(module.length).build();
            String site = ModuleFixtures.SITES.get(i % ModuleFixtures.SITES.size());
            h = h.toBuilder().setManifest(h.getManifest().toBuilder().setSiteId(i % 4 == 0 ? h.getManifest().getSiteId() : site)).build();
            try {
                send(site, h, module, new SplittableRandom(i));
                outcomes[0]++;
                assertTrue(store.module(ModuleFixtures.sha256(module)).isPresent(), "a receipt for a module not stored");
            } catch (StatusRuntimeException e) {
                outcomes[1]++;
                assertFalse(NEVER.contains(e.getStatus().getCode()), TypedErrors.describe(e));
                assertNotEquals("", TypedErrors.reason(e), "refusal without a reason: " + e.getStatus());
                assertTrue(store.module(ModuleFixtures.sha256(module)).isEmpty(), "stored after " + TypedErrors.describe(e));
            }
        });
        assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "receipts " + outcomes[0] + ", refusals " + outcomes[1]);
    }

    private static UploadHeader header(String fed, int i) {
        byte[] module = ModuleFixtures.decoder(5000 + i);
        return ModuleFixtures.header(fed, "fuzz-valid-" + i, ModuleFixtures.decoderManifest(module, "site-a", "cat"), module.length);
    }

    /** The module in chunks, the sequence mutated one way in four: a skipped range, a repeat, a huge chunk, an early end. */
    private static void send(String site, UploadHeader h, byte[] module, SplittableRandom r) {
        UploadCall call = new UploadCall(Clients.upload(site));
        int chunk = 1 + r.nextInt(2048);
        int mutation = r.nextInt(8);
        boolean first = true;
        for (int off = 0; off < module.length; off += chunk) {
            int end = Math.min(module.length, off + chunk);
            int sentOff = off;
            if (mutation == 0 && off > 0 && r.nextInt(4) == 0) sentOff += 1 + r.nextInt(16);   // a gap
            if (mutation == 1 && off > 0 && r.nextInt(4) == 0) sentOff = Math.max(0, off - chunk); // a repeat
            UploadChunk.Builder c = UploadChunk.newBuilder().setOffset(sentOff)
                    .setData(ByteString.copyFrom(module, off, end - off));
            if (mutation == 2 && r.nextInt(4) == 0) c.setData(ByteString.copyFrom(new byte[(1 << 20) + 1])); // over the chunk limit
            if (mutation == 3 && !first && r.nextInt(4) == 0) c.setHeader(h); // a second header
            if (first) c.setHeader(h);
            first = false;
            if (!call.send(c.build())) break;
            if (mutation == 4 && r.nextInt(3) == 0) break; // the stream ends early
        }
        call.complete();
    }
}
