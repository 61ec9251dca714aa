package io.fedfactory.aggregator.events;

import io.fedfactory.contracts.Topics;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.SynthesisProgress;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What the publisher does when the broker does not answer, with an emitter that never acknowledges
 * (a stand-in for the channel only: the broker's own behaviour is tested against the real one).
 */
class EventPublisherTest {

    /**
     * Keeps every message; acknowledges none, or fails each when {@code nack} is set, or (a broker down
     * for a while) fails the first {@code refuseFirst} and acknowledges the ones after them.
     */
    static final class SilentEmitter implements Emitter<byte[]> {
        final List<Message<? extends byte[]>> sent = new CopyOnWriteArrayList<>();
        volatile boolean nack;
        volatile int refuseFirst = -1;

        @Override
        public CompletionStage<Void> send(byte[] payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <M extends Message<? extends byte[]>> void send(M message) {
            sent.add(message);
            if (nack || sent.size() <= refuseFirst) message.nack(new IllegalStateException("broker down"));
            else if (refuseFirst >= 0) message.ack();
        }

        @Override
        public void complete() {
        }

        @Override
        public void error(Exception e) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }

    private static EventPublisher publisher(SilentEmitter emitter, Duration ackTimeout) {
        EventPublisher p = new EventPublisher();
        p.emitter = emitter;
        p.configuredSource = Optional.of("/aggregator/test");
        p.ackTimeout = ackTimeout;
        p.publicationAckTimeout = Duration.ofSeconds(20);
        return p;
    }

    private static Event.Builder progress() {
        return Event.newBuilder().setSynthesisProgress(SynthesisProgress.newBuilder().setJobId("fed-job-1").setSamplesDone(1));
    }

    @Test
    void progressNeverWaitsForTheBrokerNorFailsTheJob() {
        SilentEmitter emitter = new SilentEmitter();
        EventPublisher p = publisher(emitter, Duration.ofSeconds(30));
        // Before: each progress event waited up to the 30 s ack timeout on the synthesis thread, then threw.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 10; i++) p.publishProgress("fed", "io.fedfactory.synthesis.progress", "fed", progress());
        });
        assertEquals(10, emitter.sent.size());
        emitter.nack = true;
        p.publishProgress("fed", "io.fedfactory.synthesis.progress", "fed", progress()); // logged, not thrown
    }

    @Test
    void aStateEventWaitsAndFailsRetriablyWhenNotAcknowledged() {
        EventPublisher p = publisher(new SilentEmitter(), Duration.ofMillis(100));
        assertThrows(EventPublishException.class, () -> p.publish(Topics.MODELS, "fed-v1", "io.fedfactory.model.published",
                "fed", progress()));
    }

    @Test
    void aPublicationWaitsOutABrokerThatIsDownForAWhile() {
        SilentEmitter emitter = new SilentEmitter();
        emitter.refuseFirst = 3;
        EventPublisher p = publisher(emitter, Duration.ofMillis(100));
        // Before: a training job's ModelPublished was published like any state event, and the job (and with it
        // the federation) failed at the first refusal, though the version's record was durable already.
        assertThrows(EventPublishException.class, () -> p.publish(Topics.MODELS, "fed-v1", "io.fedfactory.model.published",
                "fed", progress()));
        emitter.sent.clear();
        Event e = p.publishPatiently(Topics.MODELS, "fed-v1", "io.fedfactory.model.published", "fed", progress());
        assertEquals(4, emitter.sent.size(), "three refusals, then the broker took it");
        // Each attempt is the same event: consumers see one id however often it was sent.
        for (Message<? extends byte[]> m : emitter.sent) {
            assertEquals(e.getHeader().getId(), new String(m.getMetadata(io.smallrye.reactive.messaging.kafka.api
                    .OutgoingKafkaRecordMetadata.class).orElseThrow().getHeaders().lastHeader("ce_id").value(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        SilentEmitter down = new SilentEmitter();
        down.nack = true;
        EventPublisher q = publisher(down, Duration.ofMillis(100));
        q.publicationAckTimeout = Duration.ofSeconds(2);
        assertThrows(EventPublishException.class, () -> q.publishPatiently(Topics.MODELS, "fed-v1",
                "io.fedfactory.model.published", "fed", progress()), "a broker down for good still fails, after the patience");
    }
}
