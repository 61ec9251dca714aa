package io.fedfactory.deploy.kafka;

import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The fixed shape of a KRaft cluster: its id, and each node's host, client port and controller port.
 * Every node is broker and controller at once; the controllers form the quorum. Written once to
 * {@code <dir>/cluster.properties} (under a file lock, so nodes started at the same moment agree) and
 * read back on every start: a node restarted after a crash rejoins on the same ports.
 *
 * @param clusterId       the id every node's storage is formatted with
 * @param hosts           address each node binds and advertises, by node id - 1
 * @param ports           client port of each node, by node id - 1
 * @param controllerPorts controller (Raft) port of each node, by node id - 1
 */
public record ClusterLayout(String clusterId, List<String> hosts, List<Integer> ports, List<Integer> controllerPorts) {

    public static final String FILE = "cluster.properties";

    public ClusterLayout {
        if (hosts.isEmpty() || hosts.size() != ports.size() || hosts.size() != controllerPorts.size()) {
            throw new IllegalArgumentException("a cluster layout needs one host, port and controller port per node, got "
                    + hosts + ", " + ports + ", " + controllerPorts);
        }
        hosts = List.copyOf(hosts);
        ports = List.copyOf(ports);
        controllerPorts = List.copyOf(controllerPorts);
    }

    public int nodes() {
        return hosts.size();
    }

    /** {@code host:port} of node {@code id} (1-based). */
    public String address(int id) {
        return hosts.get(id - 1) + ":" + ports.get(id - 1);
    }

    /** Every node's client address, comma-separated: what clients take as {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return IntStream.rangeClosed(1, nodes()).mapToObj(this::address).collect(Collectors.joining(","));
    }

    /** {@code controller.quorum.voters}: {@code id@host:controllerPort} of every node. */
    public String voters() {
        return IntStream.rangeClosed(1, nodes())
                .mapToObj(id -> id + "@" + hosts.get(id - 1) + ":" + controllerPorts.get(id - 1))
                .collect(Collectors.joining(","));
    }

    /** Replication factor of every topic: 3, or the node count when the cluster is smaller. */
    public int replicationFactor() {
        return Math.min(3, nodes());
    }

    /** {@code min.insync.replicas}: 2, or 1 on a single node. */
    public int minInsyncReplicas() {
        return Math.min(2, nodes());
    }

    /**
     * Reads {@code <dir>/cluster.properties}, or creates it: {@code nodes} nodes on {@code hosts} (one
     * host for every node, or one per node), client ports from {@code basePort} upwards and controller
     * ports from {@code basePort + 100} (0: free ports chosen now). An existing layout of another node
     * count is an error naming both.
     */
    public static ClusterLayout ensure(Path dir, int nodes, List<String> hosts, int basePort) {
        if (nodes < 1 || nodes > 9) throw new IllegalArgumentException("--nodes must be in [1, 9], got " + nodes);
        if (hosts.size() != 1 && hosts.size() != nodes) {
            throw new IllegalArgumentException("--host must name one host or one per node (" + nodes + "), got " + hosts);
        }
        if (basePort < 0 || basePort + 100 + nodes > 65535) {
            throw new IllegalArgumentException("--port must be in [0, " + (65535 - 100 - nodes) + "], got " + basePort);
        }
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve(FILE + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                Path file = dir.resolve(FILE);
                if (Files.exists(file)) {
                    ClusterLayout existing = read(file);
                    if (existing.nodes() != nodes) {
                        throw new IllegalStateException(file + " describes " + existing.nodes() + " nodes, asked for " + nodes
                                + ": use another folder, or the same node count");
                    }
                    return existing;
                }
                List<String> h = new ArrayList<>();
                List<Integer> p = new ArrayList<>();
                List<Integer> c = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    String host = hosts.size() == 1 ? hosts.get(0) : hosts.get(i);
                    h.add(host);
                    p.add(basePort == 0 ? freePort(host) : basePort + i);
                    c.add(basePort == 0 ? freePort(host) : basePort + 100 + i);
                }
                ClusterLayout layout = new ClusterLayout(Uuid.randomUuid().toString(), h, p, c);
                layout.write(file);
                return layout;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster layout in " + dir, e);
        }
    }

    /** Reads a layout written by {@link #ensure}. */
    public static ClusterLayout read(Path file) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        int nodes = Integer.parseInt(required(p, "nodes", file));
        List<String> h = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        List<Integer> c = new ArrayList<>();
        for (int id = 1; id <= nodes; id++) {
            h.add(required(p, "node." + id + ".host", file));
            ports.add(Integer.parseInt(required(p, "node." + id + ".port", file)));
            c.add(Integer.parseInt(required(p, "node." + id + ".controller-port", file)));
        }
        return new ClusterLayout(required(p, "cluster.id", file), h, ports, c);
    }

    private void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("cluster.id", clusterId);
        p.setProperty("nodes", String.valueOf(nodes()));
        for (int id = 1; id <= nodes(); id++) {
            p.setProperty("node." + id + ".host", hosts.get(id - 1));
            p.setProperty("node." + id + ".port", String.valueOf(ports.get(id - 1)));
            p.setProperty("node." + id + ".controller-port", String.valueOf(controllerPorts.get(id - 1)));
        }
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "fedfactory KRaft cluster: fixed once, so that a restarted node rejoins on the same ports");
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String required(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        if (v == null) throw new IllegalStateException(file + " lacks " + key);
        return v;
    }

    static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }
}
