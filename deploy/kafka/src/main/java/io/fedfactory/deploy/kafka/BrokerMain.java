package io.fedfactory.deploy.kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Standalone broker node, run by {@code deploy/broker start}. Starts the node, writes
 * {@code <node dir>/bootstrap} once it accepts writes (the start script waits for that file), and runs
 * until the process receives SIGTERM. Alone ({@code --nodes 1}, the default) its folder is
 * {@code --dir}; in a cluster, node N lives in {@code <dir>/node-N} and every node reads the
 * cluster's shape from {@code <dir>/cluster.properties} (created by the first one to start).
 */
public final class BrokerMain {

    private static final String USAGE = """
            usage: BrokerMain --dir DIR [--port PORT] [--nodes N --node ID] [--host H[,H...]] [--timeout-seconds S]
              --dir DIR            broker config and data folder (formatted on first start, reused after)
              --port PORT          client port (default 9092; 0 picks a free port). In a cluster: node ID
                                   listens on PORT+ID-1 and its controller on PORT+100+ID-1 (0: free ports,
                                   fixed in cluster.properties at the cluster's first start)
              --nodes N            nodes of the KRaft cluster (default 1); every node is broker and controller
              --node ID            which node this process is, 1..N (default 1)
              --host H[,H...]      address to bind and advertise: one for every node, or one per node
                                   (default 127.0.0.1)
              --timeout-seconds S  how long to wait for the node to accept a write (default 60)
            """;

    public static void main(String[] args) throws Exception {
        Path dir = null;
        int port = 9092;
        int timeout = 60;
        int nodes = 1;
        int node = 1;
        List<String> hosts = List.of("127.0.0.1");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--dir" -> dir = Path.of(value(args, ++i, a));
                case "--port" -> port = parseInt(value(args, ++i, a), a, 0, 65535);
                case "--timeout-seconds" -> timeout = parseInt(value(args, ++i, a), a, 1, 3600);
                case "--nodes" -> nodes = parseInt(value(args, ++i, a), a, 1, 9);
                case "--node" -> node = parseInt(value(args, ++i, a), a, 1, 9);
                case "--host" -> hosts = Arrays.asList(value(args, ++i, a).split(","));
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> fail("unknown argument " + a);
            }
        }
        if (dir == null) fail("--dir is required");
        if (node > nodes) fail("--node must be in [1, " + nodes + "], got " + node);

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
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) fail(flag + " needs a value");
        return args[i];
    }

    private static int parseInt(String s, String flag, int min, int max) {
        try {
            int v = Integer.parseInt(s);
            if (v < min || v > max) fail(flag + " must be in [" + min + ", " + max + "], got " + v);
            return v;
        } catch (NumberFormatException e) {
            fail(flag + " must be an integer, got '" + s + "'");
            return 0;
        }
    }

    private static void fail(String message) {
        System.err.println("error: " + message);
        System.err.print(USAGE);
        System.exit(2);
    }

    private BrokerMain() {
    }

}
