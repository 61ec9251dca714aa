package io.fedfactory.console.events;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fedfactory.console.ConsoleSettings;
import io.fedfactory.console.login.Session;
import io.fedfactory.contracts.Topics;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.security.Role;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The same events {@code fedfactory-admin events} follows: every topic replayed from the start at
 * start-up (consumers are idempotent: the event id drops duplicates), then followed. What the console
 * knows from Kafka alone: the federations (their specs), rejected uploads, progress, and the recent
 * events of each federation; listeners (the pages' server-sent event streams) get each new event.
 * Who may see which event follows the API's roles ({@link #visible}).
 */
@ApplicationScoped
public class EventFeed {

    private static final Logger LOG = Logger.getLogger(EventFeed.class);

    @Inject
    ConsoleSettings settings;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private final Map<String, FederationSpec> federations = new LinkedHashMap<>();
    private final Map<String, Deque<FeedEvent>> recent = new LinkedHashMap<>();
    private final Map<String, List<FeedEvent>> rejections = new LinkedHashMap<>();
    private final Set<String> seen = new HashSet<>();
    private final List<Consumer<FeedEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile int keep = 500;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    void start(@Observes StartupEvent e) {
        if (!settings.tls().enabled()) {
            throw new IllegalStateException("fedfactory.tls.enabled=false: the console serves HTTPS only and has no plaintext mode");
        }
        keep = settings.console().eventsPerFederation();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "fedfactory-console-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::run, "console-events");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent e) {
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) c.wakeup();
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = consumer) {
            c.subscribe(Topics.ALL);
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) continue; // a tombstone on the compacted modules topic
                    try {
                        accept(FeedEvent.of(Event.parseFrom(r.value()), r.timestamp()));
                    } catch (InvalidProtocolBufferException ex) {
                        LOG.warnf("%s: malformed record at offset %d skipped", r.topic(), r.offset());
                    }
                }
            }
        } catch (WakeupException ignored) {
            // shutting down
        } catch (RuntimeException ex) {
            LOG.errorf(ex, "the event feed stopped; pages show no new events until the console restarts");
        }
    }

    void accept(FeedEvent f) {
        Event e = f.event();
        synchronized (this) {
            if (!seen.add(e.getHeader().getId())) return;
            String fed = f.federationId();
            if (e.hasFederationOpened()) federations.put(fed, e.getFederationOpened().getSpec());
            if (e.hasModuleRejected()) rejections.computeIfAbsent(fed, k -> new ArrayList<>()).add(f);
            Deque<FeedEvent> q = recent.computeIfAbsent(fed, k -> new ArrayDeque<>());
            q.addLast(f);
            while (q.size() > keep) q.removeFirst();
        }
        for (Consumer<FeedEvent> l : listeners) {
            // One page's stream must not stop the feed for every other page: a listener that throws
            // (a browser that went away between the sink's closed check and the send) is dropped.
            try {
                l.accept(f);
            } catch (RuntimeException ex) {
                listeners.remove(l);
                LOG.debugf("a page's event stream dropped: %s", ex.toString());
            }
        }
    }

    public void listen(Consumer<FeedEvent> l) {
        listeners.add(l);
    }

    public void unlisten(Consumer<FeedEvent> l) {
        listeners.remove(l);
    }

    /** The federations this person may see, in the order they were opened. */
    public synchronized List<FederationSpec> federations(Session who) {
        return federations.values().stream().filter(s -> enrolls(s, who)).toList();
    }

    public synchronized Optional<FederationSpec> federation(String id) {
        return Optional.ofNullable(federations.get(id));
    }

    /** The federation's recent events this person may see, oldest first. */
    public synchronized List<FeedEvent> recent(String federationId, Session who) {
        return recent.getOrDefault(federationId, new ArrayDeque<>()).stream().filter(f -> visible(f, who)).toList();
    }

    public synchronized List<FeedEvent> rejections(String federationId, Session who) {
        return rejections.getOrDefault(federationId, List.of()).stream().filter(f -> visible(f, who)).toList();
    }

    /**
     * The API's roles applied to events: the coordinator and auditors see every federation, a site only
     * those that enroll it and of module events only its own; the audit trail and certificates are for
     * auditors.
     */
    public boolean visible(FeedEvent f, Session who) {
        Event e = f.event();
        if (e.hasAuditRecord() || e.hasCertificateIssued()) return who.is(Role.AUDITOR);
        if (!who.is(Role.SITE)) return true;
        FederationSpec spec;
        synchronized (this) {
            spec = federations.get(f.federationId());
        }
        if (spec == null || !enrolls(spec, who)) return false;
        String site = who.siteId();
        return switch (e.getPayloadCase()) {
            case MODULE_ADMITTED -> site.equals(e.getModuleAdmitted().getManifest().getSiteId());
            case MODULE_REJECTED -> site.equals(e.getModuleRejected().getSiteId());
            case MODULE_DELETED -> site.equals(e.getModuleDeleted().getSiteId());
            case SITE_METRICS_REPORTED -> site.equals(e.getSiteMetricsReported().getReport().getSiteId());
            default -> true;
        };
    }

    private static boolean enrolls(FederationSpec spec, Session who) {
        return !who.is(Role.SITE) || spec.getEnrolledSiteIdsList().contains(who.siteId());
    }
}
