package io.fedfactory.console.events;

import com.google.gson.JsonObject;
import io.fedfactory.console.login.CurrentSession;
import io.fedfactory.console.login.Session;
import io.fedfactory.console.pages.Inputs;
import io.fedfactory.proto.v1.Event;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.function.Consumer;

/**
 * A federation's events as server-sent events: first the recent ones the console holds, then each
 * new one as it arrives from Kafka, filtered by the viewer's role. Each carries the line
 * {@code fedfactory-admin events} prints for it, and the Kafka record's timestamp.
 */
@Path("/events")
public class EventStream {

    @Inject
    EventFeed feed;
    @Inject
    CurrentSession current;

    @GET
    @Path("{id}")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@PathParam("id") String id, @Context SseEventSink sink, @Context Sse sse) {
        Inputs.id("federation_id", id);
        Session who = current.get();
        // Listen first, then replay: an event arriving in between is sent twice at worst (the page drops
        // repeated ids), never lost. Sends are serialized on the sink.
        Consumer<FeedEvent>[] self = new Consumer[1];
        self[0] = f -> {
            if (sink.isClosed()) {
                feed.unlisten(self[0]);
                return;
            }
            if (!f.federationId().equals(id) || !feed.visible(f, who)) return;
            // A page that goes away after the check above makes send throw; the feed then drops this listener.
            send(sink, sse, f).exceptionally(t -> {
                feed.unlisten(self[0]);
                return null;
            });
        };
        feed.listen(self[0]);
        synchronized (sink) {
            for (FeedEvent f : feed.recent(id, who)) send(sink, sse, f);
            sink.send(sse.newEventBuilder().name("backlog-end").data("{}").build());
        }
    }

    private static java.util.concurrent.CompletionStage<?> send(SseEventSink sink, Sse sse, FeedEvent f) {
        synchronized (sink) {
            return sink.send(sse.newEventBuilder().id(f.event().getHeader().getId()).name("fedfactory")
                    .data(json(f).toString()).build());
        }
    }

    static JsonObject json(FeedEvent f) {
        Event e = f.event();
        JsonObject o = new JsonObject();
        o.addProperty("id", e.getHeader().getId());
        o.addProperty("type", f.type());
        o.addProperty("time", e.getHeader().getTime());
        o.addProperty("kafka_timestamp", f.kafkaTimestampMillis());
        o.addProperty("line", f.line());
        switch (e.getPayloadCase()) {
            case SYNTHESIS_PROGRESS -> {
                o.addProperty("percent", e.getSynthesisProgress().getPercent());
                o.addProperty("eta_seconds", e.getSynthesisProgress().getEtaSeconds());
            }
            case TRAINING_PROGRESS -> {
                o.addProperty("percent", e.getTrainingProgress().getPercent());
                o.addProperty("eta_seconds", e.getTrainingProgress().getEtaSeconds());
                o.addProperty("epoch", e.getTrainingProgress().getEpoch());
                o.addProperty("loss", e.getTrainingProgress().getLoss());
                o.addProperty("accuracy", e.getTrainingProgress().getTrainAccuracy());
            }
            case MODEL_PUBLISHED -> o.addProperty("version", e.getModelPublished().getInfo().getVersion());
            case MODEL_REVOKED -> o.addProperty("version", e.getModelRevoked().getVersion());
            case CERTIFICATE_ISSUED -> o.addProperty("certificate_id", e.getCertificateIssued().getCertificate().getCertificateId());
            default -> {
            }
        }
        return o;
    }
}
