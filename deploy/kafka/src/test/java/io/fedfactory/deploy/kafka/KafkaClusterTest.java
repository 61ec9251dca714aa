package io.fedfactory.deploy.kafka;

import io.fedfactory.contracts.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three real KRaft nodes in this JVM: the topics' replication, and a write surviving the loss of a node. */
class KafkaClusterTest {

    @Test
    void threeNodesReplicateEveryTopicAndAcceptWritesWithOneNodeDown() throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "cluster-test-");
        ClusterLayout layout = ClusterLayout.ensure(dir, 3, List.of("127.0.0.1"), 0);
        assertEquals(layout, ClusterLayout.ensure(dir, 3, List.of("127.0.0.1"), 0), "a second call reads the same layout");
        List<KafkaBroker> nodes = new ArrayList<>();
        for (int id = 1; id <= 3; id++) nodes.add(new KafkaBroker(dir.resolve("node-" + id), layout, id));
        ExecutorService starters = Executors.newFixedThreadPool(3);
        try {
            // Each node returns only once the cluster holds its topics and takes an acks=all write: all must start together.
            CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(() -> n.start(Duration.ofSeconds(90)), starters))
                    .toArray(CompletableFuture[]::new)).join();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, layout.bootstrapServers()))) {
                Map<String, TopicDescription> topics = admin.describeTopics(Topics.ALL).allTopicNames().get();
                for (String t : Topics.ALL) {
                    assertEquals(3, topics.get(t).partitions().get(0).replicas().size(), t + " replicas");
                    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t);
                    var config = admin.describeConfigs(List.of(r)).all().get().get(r);
                    assertEquals("2", config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value(), t + " min.insync.replicas");
                    assertEquals(t.equals(Topics.MODULES) ? "compact" : "delete", config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(),
                            t + " cleanup.policy");
                }
            }
            KafkaBrokerTest.produce(layout.bootstrapServers(), Topics.FEDERATIONS, "three up");
            nodes.get(0).close();
            KafkaBrokerTest.produce(layout.bootstrapServers(), Topics.FEDERATIONS, "two up");
            assertEquals(List.of("three up", "two up"), KafkaBrokerTest.readAll(layout.bootstrapServers(), Topics.FEDERATIONS, 2));
        } finally {
            nodes.forEach(KafkaBroker::close);
            starters.shutdownNow();
        }
    }

    @Test
    void aLayoutOfAnotherSizeIsRefusedNamingBoth() throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "layout-test-");
        ClusterLayout three = ClusterLayout.ensure(dir, 3, List.of("127.0.0.1"), 0);
        assertEquals(3, three.voters().split(",").length);
        assertEquals(2, three.minInsyncReplicas());
        var e = assertThrows(IllegalStateException.class, () -> ClusterLayout.ensure(dir, 5, List.of("127.0.0.1"), 0));
        assertTrue(e.getMessage().contains("describes 3 nodes, asked for 5"), e.getMessage());
        var hosts = assertThrows(IllegalArgumentException.class,
                () -> ClusterLayout.ensure(dir.resolve("x"), 3, List.of("10.0.0.1", "10.0.0.2"), 0));
        assertTrue(hosts.getMessage().contains("--host must name one host or one per node (3)"), hosts.getMessage());
    }
}
