package io.fedfactory.deploy.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka node (KRaft: broker and controller in one process), run inside the calling JVM: a
 * single-node broker, or one node of a {@link ClusterLayout}. Every listener binds to the layout's
 * host (127.0.0.1 unless told otherwise). The storage under {@code dir} is formatted on the first start
 * only, so a second start on the same folder keeps its topics. Once the node runs, it makes sure the
 * fedfactory topics exist with the layout's replication factor and {@code min.insync.replicas}
 * ({@link TopicLayout}), then returns once it has acknowledged a write.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String READY_TOPIC = TopicLayout.READY_TOPIC;

    private final Path dir;
    private final ClusterLayout layout;
    private final int nodeId;
    private KafkaRaftServer server;

    /**
     * A single-node broker on 127.0.0.1.
     *
     * @param dir  folder holding the broker's config and data; created if missing
     * @param port client port on 127.0.0.1; 0 picks a free one
     */
    public KafkaBroker(Path dir, int port) {
        this(dir, singleNode(port), 1);
    }

    /**
     * Node {@code nodeId} of {@code layout}.
     *
     * @param dir this node's folder (config and data; created if missing), its own for each node
     */
    public KafkaBroker(Path dir, ClusterLayout layout, int nodeId) {
        if (nodeId < 1 || nodeId > layout.nodes()) {
            throw new IllegalArgumentException("--node must be in [1, " + layout.nodes() + "], got " + nodeId);
        }
        this.dir = dir.toAbsolutePath();
        this.layout = layout;
        this.nodeId = nodeId;
    }

    private static ClusterLayout singleNode(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        String host = "127.0.0.1";
        return new ClusterLayout(Uuid.randomUuid().toString(), List.of(host),
                List.of(port == 0 ? ClusterLayout.freePort(host) : port), List.of(ClusterLayout.freePort(host)));
    }

    /** This node's own address. */
    public String bootstrapServers() {
        return layout.address(nodeId);
    }

    public ClusterLayout layout() {
        return layout;
    }

    public Path dir() {
        return dir;
    }

    /** Formats storage if needed, starts the broker, and returns once it has acknowledged a write. */
    public synchronized KafkaBroker start(Duration timeout) {
        if (server != null) {
            return this;
        }
        try {
            Files.createDirectories(dir);
            Path config = writeConfig();
            formatOnce(config);
            Properties props = new Properties();
            try (var in = Files.newInputStream(config)) {
                props.load(in);
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka broker in " + dir, e);
        }
        try {
            TopicLayout.ensure(bootstrapServers(), layout, timeout);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        awaitWritable(timeout);
        return this;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    private Path writeConfig() throws IOException {
        String host = layout.hosts().get(nodeId - 1);
        int port = layout.ports().get(nodeId - 1);
        int controllerPort = layout.controllerPorts().get(nodeId - 1);
        String rf = String.valueOf(layout.replicationFactor());
        String minIsr = String.valueOf(layout.minInsyncReplicas());
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", String.valueOf(nodeId));
        p.setProperty("controller.quorum.voters", layout.voters());
        p.setProperty("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("auto.create.topics.enable", "true");
        // Every topic, the internal ones included, on 3 nodes (or all when fewer), and a write counts
        // once 2 hold it: one node may die without losing an acknowledged event or refusing new ones.
        p.setProperty("default.replication.factor", rf);
        p.setProperty("min.insync.replicas", minIsr);
        p.setProperty("unclean.leader.election.enable", "false");
        p.setProperty("offsets.topic.replication.factor", rf);
        p.setProperty("offsets.topic.num.partitions", "3");
        p.setProperty("transaction.state.log.replication.factor", rf);
        p.setProperty("transaction.state.log.min.isr", minIsr);
        p.setProperty("share.coordinator.state.topic.replication.factor", rf);
        p.setProperty("share.coordinator.state.topic.min.isr", minIsr);
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // A node killed without warning is fenced, and its partitions led elsewhere, after 6 s.
        p.setProperty("broker.heartbeat.interval.ms", "1000");
        p.setProperty("broker.session.timeout.ms", "6000");
        if (layout.nodes() > 1) {
            // On a loaded machine one controller event can take 3 s (seen on a 2-core machine at load 40): with
            // Kafka's quorum timeouts (election 1 s, fetch 2 s) the controllers then elect each other in turn
            // and no node ever becomes ready. A dead controller is replaced after 6 s instead of 2 s; a dead
            // node is fenced after its 9 s session (Kafka's default), and its partitions are led elsewhere.
            p.setProperty("controller.quorum.election.timeout.ms", "3000");
            p.setProperty("controller.quorum.fetch.timeout.ms", "6000");
            p.setProperty("broker.heartbeat.interval.ms", "2000");
            p.setProperty("broker.session.timeout.ms", "9000");
            // A stopping node does not wait for the controller to move its leaderships first: once the
            // quorum is gone (the last nodes of a cluster stopping) that wait lasts minutes. Its
            // partitions move when its session expires, as after a crash.
            p.setProperty("controlled.shutdown.enable", "false");
        }
        // Small segments and quick log cleaning keep a local broker's disk use and start-up short.
        p.setProperty("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.setProperty("message.max.bytes", String.valueOf(8 * 1024 * 1024));
        Path config = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, "fedfactory KRaft node " + nodeId + " of " + layout.nodes()
                    + " (rewritten on every start: a single node's ports may change)");
        }
        return config;
    }

    private void formatOnce(Path config) throws IOException {
        if (Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = kafka.tools.StorageTool.execute(new String[] {
                "format", "--cluster-id", layout.clusterId(), "--config", config.toString(),
                "--ignore-formatted"}, new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("formatting Kafka storage in " + dir + " failed (exit " + rc + "): "
                    + out.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitWritable(Duration timeout) {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout.toMillis()));
        p.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(timeout.toMillis(), 1000)));
        p.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(timeout.toMillis(), 1000)));
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(READY_TOPIC, "ready".getBytes(StandardCharsets.UTF_8)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " did not accept a write within "
                    + timeout.toSeconds() + " s", e);
        }
    }
}
