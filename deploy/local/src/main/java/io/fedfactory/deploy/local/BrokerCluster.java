package io.fedfactory.deploy.local;

import io.fedfactory.contracts.Topics;
import io.fedfactory.deploy.kafka.ClusterLayout;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A KRaft cluster of Kafka nodes, each its own child process with its own data folder and ports
 * (deploy/kafka's BrokerMain, as {@code deploy/broker start --nodes N} runs them), so that one can be
 * SIGKILLed and restarted while the others carry on.
 */
public final class BrokerCluster implements AutoCloseable {

    private final ClusterLayout layout;
    private final List<BrokerProcess> nodes;
    private final Duration timeout;

    private BrokerCluster(ClusterLayout layout, List<BrokerProcess> nodes, Duration timeout) {
        this.layout = layout;
        this.nodes = nodes;
        this.timeout = timeout;
    }

    /** Starts {@code count} nodes in {@code dir} on {@code host} and waits until every one accepts writes. */
    public static BrokerCluster start(Path dir, int count, String host, Duration timeout) {
        ClusterLayout layout = ClusterLayout.ensure(dir, count, List.of(host), 0);
        List<BrokerProcess> nodes = new ArrayList<>();
        try {
            for (int id = 1; id <= count; id++) nodes.add(BrokerProcess.launchNode(dir, count, id, host, timeout));
            for (BrokerProcess n : nodes) n.awaitReady(timeout);
        } catch (RuntimeException e) {
            nodes.forEach(BrokerProcess::close);
            throw e;
        }
        return new BrokerCluster(layout, nodes, timeout);
    }

    /**
     * Starts one node on each of {@code hosts} (each its own machine: network namespace and address),
     * on ports from {@code port} as {@link ClusterLayout#ensure} lays them out, and waits until every one accepts writes.
     */
    public static BrokerCluster start(Path dir, List<HostNetwork.Host> hosts, int port, Duration timeout) {
        List<String> addresses = hosts.stream().map(HostNetwork.Host::address).toList();
        ClusterLayout layout = ClusterLayout.ensure(dir, hosts.size(), addresses, port);
        List<BrokerProcess> nodes = new ArrayList<>();
        try {
            for (int id = 1; id <= hosts.size(); id++) {
                nodes.add(BrokerProcess.launchNode(dir, hosts.size(), id, String.join(",", addresses), port, hosts.get(id - 1), timeout));
            }
            for (BrokerProcess n : nodes) n.awaitReady(timeout);
        } catch (RuntimeException e) {
            nodes.forEach(BrokerProcess::close);
            throw e;
        }
        return new BrokerCluster(layout, nodes, timeout);
    }

    /** Every node's address: what clients take as {@code kafka.bootstrap.servers}. */
    public String bootstrapServers() {
        return layout.bootstrapServers();
    }

    public ClusterLayout layout() {
        return layout;
    }

    /** PID of node {@code id} (1-based). */
    public long pid(int id) {
        return nodes.get(id - 1).pid();
    }

    /** SIGKILL of node {@code id}. */
    public void kill(int id) {
        nodes.get(id - 1).kill();
    }

    /** Starts node {@code id} again on its data and ports and waits until it accepts writes; returns the seconds that took. */
    public double restart(int id) {
        return nodes.get(id - 1).restart().awaitReady(timeout).readySeconds();
    }

    /** The node leading {@code topic}'s first partition (as the cluster says now). */
    public int leaderOf(String topic) {
        return describe(List.of(topic)).get(topic).partitions().get(0).leader().id();
    }

    /**
     * Waits until every partition of fedfactory's topics has all its replicas in sync again (a restarted
     * node has caught up), so that the next node to die leaves {@code min.insync.replicas} standing.
     */
    public void awaitInSync(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> lagging = List.of();
        while (System.nanoTime() < deadline) {
            lagging = new ArrayList<>();
            for (TopicDescription d : describe(Topics.ALL).values()) {
                for (TopicPartitionInfo p : d.partitions()) {
                    if (p.isr().size() < p.replicas().size()) lagging.add(d.name() + "-" + p.partition() + " isr " + p.isr().size());
                }
            }
            if (lagging.isEmpty()) return;
            CrashTrials.sleep(250);
        }
        throw new IllegalStateException("replicas not in sync within " + limit.toSeconds() + " s: " + lagging);
    }

    private Map<String, TopicDescription> describe(List<String> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000))) {
            return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe " + topics + " at " + bootstrapServers(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(BrokerProcess::close);
    }
}
