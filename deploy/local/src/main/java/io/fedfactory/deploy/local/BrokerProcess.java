package io.fedfactory.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka node as a child process (deploy/kafka's BrokerMain), stopped by its PID: a single-node
 * broker, or one node of a {@link BrokerCluster}.
 */
public final class BrokerProcess implements AutoCloseable {

    private final List<String> command;
    private final Path marker;
    private final Path log;
    private long started;
    private Process process;
    private String bootstrap;
    private double readySeconds;

    private BrokerProcess(List<String> command, Path marker, Path log) {
        this.command = List.copyOf(command);
        this.marker = marker;
        this.log = log;
        launch();
    }

    /** Starts a single-node broker with its data in {@code dir}, on a free port, and waits until it accepts writes. */
    public static BrokerProcess start(Path dir, Duration timeout) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BrokerProcess(command(dir, timeout, List.of("--port", "0")), dir.resolve("bootstrap"),
                dir.resolve("broker.log")).awaitReady(timeout);
    }

    /**
     * Launches node {@code node} of a cluster of {@code nodes} in {@code clusterDir} on {@code host}
     * (free ports, fixed in the cluster's layout at its first start) without waiting: a node becomes
     * ready only once enough of the others run, so launch them all, then {@link #awaitReady} each.
     */
    static BrokerProcess launchNode(Path clusterDir, int nodes, int node, String host, Duration timeout) {
        return launchNode(clusterDir, nodes, node, host, 0, null, timeout);
    }

    /**
     * As above, on the hosts {@code hosts} (comma-separated, one per node) from {@code port}, the node's
     * process run on {@code on} (its network namespace; null: this machine's).
     */
    static BrokerProcess launchNode(Path clusterDir, int nodes, int node, String hosts, int port, HostNetwork.Host on,
                                    Duration timeout) {
        try {
            Files.createDirectories(clusterDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = command(clusterDir, timeout, List.of("--nodes", String.valueOf(nodes), "--node",
                String.valueOf(node), "--port", String.valueOf(port), "--host", hosts));
        return new BrokerProcess(on == null ? cmd : on.wrap(cmd),
                clusterDir.resolve("node-" + node).resolve("bootstrap"), clusterDir.resolve("node-" + node + ".log"));
    }

    private static List<String> command(Path dir, Duration timeout, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "io.fedfactory.deploy.kafka.BrokerMain", "--dir", dir.toString()));
        cmd.addAll(args);
        cmd.addAll(List.of("--timeout-seconds", String.valueOf(timeout.toSeconds())));
        return cmd;
    }

    private void launch() {
        try {
            Files.deleteIfExists(marker);
            started = System.nanoTime();
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a Kafka node; see " + log, e);
        }
    }

    /** Waits until the node has written its bootstrap marker (it accepted a write). */
    BrokerProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (Files.exists(marker)) {
                    bootstrap = Files.readString(marker, StandardCharsets.UTF_8).trim();
                    readySeconds = (System.nanoTime() - started) / 1e9;
                    return this;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka node exited during start-up; see " + log);
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        process.destroyForcibly();
        throw new IllegalStateException("Kafka node not ready within " + timeout.toSeconds() + " s; see " + log);
    }

    public String bootstrapServers() { return bootstrap; }

    public long pid() { return process.pid(); }

    public double readySeconds() { return readySeconds; }

    public boolean isAlive() { return process.isAlive(); }

    /** SIGKILL, as a crash would: no shutdown hook runs, nothing is flushed. Waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The same command again, on the same data and ports (after {@link #kill()}); wait with {@link #awaitReady}. */
    BrokerProcess restart() {
        if (process.isAlive()) throw new IllegalStateException("the Kafka node is still running (PID " + pid() + ")");
        launch();
        return this;
    }

    /**
     * SIGKILL, as a crash would, then the same single-node broker again on the same data folder and
     * client port, waiting up to {@code timeout} until it accepts writes.
     */
    public BrokerProcess killAndRestart(Duration timeout) {
        kill();
        String port = bootstrap.substring(bootstrap.lastIndexOf(':') + 1);
        List<String> again = new ArrayList<>(command);
        int at = again.indexOf("--port");
        if (at < 0 || command.contains("--nodes")) {
            throw new IllegalStateException("killAndRestart is for a single-node broker; restart a cluster node with restart()");
        }
        again.set(at + 1, port);
        return new BrokerProcess(again, marker, log).awaitReady(timeout);
    }

    @Override
    public void close() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
