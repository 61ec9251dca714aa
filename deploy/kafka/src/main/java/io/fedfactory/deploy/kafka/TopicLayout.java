package io.fedfactory.deploy.kafka;

import io.fedfactory.contracts.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Where fedfactory's topics are created: by the broker itself, before it reports ready, so no topic is
 * ever made by auto-creation with whatever defaults a broker has. Every topic of {@link Topics#ALL}
 * gets one partition (events of an entity stay in order), the cluster's replication factor and
 * {@code min.insync.replicas}; {@link Topics#MODULES} is compacted (the newest event per module id).
 * Creating a topic that exists is a no-op, so every node of a cluster runs this on each start.
 */
public final class TopicLayout {

    /** Written to by each node before it reports ready. */
    public static final String READY_TOPIC = "fedfactory.broker-ready";

    /** The topics and the settings each is created with, for a cluster of {@code layout}'s size. */
    public static List<NewTopic> topics(ClusterLayout layout) {
        List<NewTopic> topics = new ArrayList<>();
        List<String> names = new ArrayList<>(Topics.ALL);
        names.add(READY_TOPIC);
        for (String name : names) {
            Map<String, String> config = new HashMap<>();
            config.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(layout.minInsyncReplicas()));
            if (name.equals(Topics.MODULES)) config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            topics.add(new NewTopic(name, 1, (short) layout.replicationFactor()).configs(config));
        }
        return topics;
    }

    /**
     * Creates the missing topics through the node at {@code bootstrap}, retrying while the cluster has
     * fewer live nodes than the replication factor (its other nodes are still starting).
     */
    public static void ensure(String bootstrap, ClusterLayout layout, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000))) {
            List<NewTopic> missing = new ArrayList<>(topics(layout));
            while (true) {
                Exception last = null;
                var result = admin.createTopics(missing).values();
                List<NewTopic> still = new ArrayList<>();
                for (NewTopic t : missing) {
                    try {
                        result.get(t.name()).get(10, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof TopicExistsException) continue;
                        last = e;
                        still.add(t);
                    } catch (java.util.concurrent.TimeoutException e) {
                        last = e;
                        still.add(t);
                    }
                }
                if (still.isEmpty()) return;
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not create topics " + still.stream().map(NewTopic::name).toList()
                            + " (replication factor " + layout.replicationFactor() + ") through " + bootstrap + " within "
                            + timeout.toSeconds() + " s", last);
                }
                missing = still;
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topics", e);
        }
    }

    private TopicLayout() {
    }
}
