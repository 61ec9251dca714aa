package io.fedfactory.deploy.kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Standalone broker node, run by {@code deploy/broker start}. Starts the node, writes
 * {@code <node dir>/bootstrap} once it accepts writes (the start script waits for that file), and runs
 * until the process receives SIGTERM. Alone ({@code --nodes 1}, the default) its folder is
 * {@code --dir}; in a cluster, node N lives in {@code <dir>/node-N} and every node reads the
 * cluster's shape from {@code <dir>/cluster.properties} (created by the first one to start).
 */
@Command(name = "BrokerMain", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A Kafka node (KRaft: broker and controller in one process), formatted on its first start and "
                + "reused after; runs until SIGTERM.",
        footer = "Exit status: 0 stopped by SIGTERM, 1 failed to start, 2 bad options.")
public final class BrokerMain implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Broker config and data folder (formatted on first start, reused after).")
    Path dir;

    @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT",
            description = "Client port (default: ${DEFAULT-VALUE}; 0 picks a free port). In a cluster: node ID listens on "
                    + "PORT+ID-1 and its controller on PORT+100+ID-1 (0: free ports, fixed in cluster.properties at the "
                    + "cluster's first start).")
    int port;

    @Option(names = "--nodes", defaultValue = "1", paramLabel = "N",
            description = "Nodes of the KRaft cluster, 1 to 9 (default: ${DEFAULT-VALUE}); every node is broker and controller.")
    int nodes;

    @Option(names = "--node", defaultValue = "1", paramLabel = "ID", description = "Which node this process is, 1..N (default: ${DEFAULT-VALUE}).")
    int node;

    @Option(names = "--host", split = ",", defaultValue = "127.0.0.1", paramLabel = "H",
            description = "Address to bind and advertise: one for every node, or one per node, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> hosts;

    @Option(names = "--timeout-seconds", defaultValue = "60", paramLabel = "S",
            description = "How long to wait for the node to accept a write, 1 to 3600 (default: ${DEFAULT-VALUE}).")
    int timeout;

    public static void main(String[] args) {
        int code = new CommandLine(new BrokerMain()).execute(args);
        // Stopped by SIGTERM the JVM is already shutting down; exiting again from here would block.
        if (code != 0) System.exit(code);
    }

    private void check(boolean ok, String message) {
        if (!ok) throw new ParameterException(spec.commandLine(), message);
    }

    @Override
    public Integer call() throws Exception {
        check(port >= 0 && port <= 65535, "--port must be in [0, 65535], got " + port);
        check(nodes >= 1 && nodes <= 9, "--nodes must be in [1, 9], got " + nodes);
        check(node >= 1 && node <= nodes, "--node must be in [1, " + nodes + "], got " + node);
        check(timeout >= 1 && timeout <= 3600, "--timeout-seconds must be in [1, 3600], got " + timeout);

        long t0 = System.nanoTime();
        KafkaBroker broker;
        if (nodes == 1 && hosts.size() == 1 && hosts.get(0).equals("127.0.0.1")) {
            broker = new KafkaBroker(dir, port);
        } else {
            ClusterLayout layout = ClusterLayout.ensure(dir, nodes, hosts, port);
            broker = new KafkaBroker(dir.resolve("node-" + node), layout, node);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping Kafka node at " + broker.bootstrapServers());
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        broker.start(Duration.ofSeconds(timeout));
        double seconds = (System.nanoTime() - t0) / 1e9;
        Path marker = broker.dir().resolve("bootstrap");
        Path tmp = broker.dir().resolve("bootstrap.tmp");
        Files.writeString(tmp, broker.bootstrapServers() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("Kafka node %d of %d ready at %s after %.1f s (data in %s; cluster: %s)%n",
                node, nodes, broker.bootstrapServers(), seconds, broker.dir().resolve("data"),
                broker.layout().bootstrapServers());
        stopped.await();
        return 0;
    }
}
