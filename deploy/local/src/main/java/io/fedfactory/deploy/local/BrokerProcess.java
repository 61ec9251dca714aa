package io.fedfactory.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The local Kafka broker as a child process (deploy/kafka's BrokerMain), stopped by its PID. */
public final class BrokerProcess implements AutoCloseable {

    private final Process process;
    private final String bootstrap;
    private final double readySeconds;
    private final Path dir;
    private final Duration timeout;

    private BrokerProcess(Process process, String bootstrap, double readySeconds, Path dir, Duration timeout) {
        this.process = process;
        this.bootstrap = bootstrap;
        this.readySeconds = readySeconds;
        this.dir = dir;
        this.timeout = timeout;
    }

    /** Starts a broker with its data in {@code dir}, on a free port, and waits until it accepts writes. */
    public static BrokerProcess start(Path dir, Duration timeout) {
        return start(dir, 0, timeout);
    }

    private static BrokerProcess start(Path dir, int port, Duration timeout) {
        try {
            Files.createDirectories(dir);
            Path marker = dir.resolve("bootstrap");
            Files.deleteIfExists(marker);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(List.of(java, "-Xmx768m", "-cp", System.getProperty("java.class.path"),
                    "io.fedfactory.deploy.kafka.BrokerMain", "--dir", dir.toString(), "--port", String.valueOf(port),
                    "--timeout-seconds", String.valueOf(timeout.toSeconds())))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
                    .start();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (Files.exists(marker)) {
                    return new BrokerProcess(p, Files.readString(marker, StandardCharsets.UTF_8).trim(),
                            (System.nanoTime() - t0) / 1e9, dir, timeout);
                }
                if (!p.isAlive()) {
                    throw new IllegalStateException("Kafka broker exited during start-up; see " + dir.resolve("broker.log"));
                }
                Thread.sleep(100);
            }
            p.destroyForcibly();
            throw new IllegalStateException("Kafka broker not ready within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL, as a crash would, then the same broker again on the same data folder and client port. */
    public BrokerProcess killAndRestart() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        return start(dir, port, timeout);
    }

    public String bootstrapServers() { return bootstrap; }

    public long pid() { return process.pid(); }

    public double readySeconds() { return readySeconds; }

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
