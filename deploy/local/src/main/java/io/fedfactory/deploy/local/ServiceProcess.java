package io.fedfactory.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One service of the local system (a packaged Quarkus application) running as a child process, bound
 * to 127.0.0.1 (or to the address of its own host, a network namespace of a {@link HostNetwork}),
 * logging to a file. Stopped by its own PID, never by name.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int httpPort;
    private final int grpcPort;
    private final Path log;
    private final long startedNanos;
    private final ServiceTls tls;
    private final List<String> command;
    private final Map<String, String> env;
    /** Where the process runs; null: this process's working directory. */
    private final Path workingDir;
    /** Where it listens: 127.0.0.1, or its host's address. */
    private final String address;
    /** The podman container it runs in and the images that started it; null for a plain process. */
    private final String container;
    private final PodmanImages images;
    private double readySeconds = -1;

    private ServiceProcess(String name, Process process, int httpPort, int grpcPort, Path log, long startedNanos,
                           ServiceTls tls, List<String> command, Map<String, String> env, Path workingDir, String address,
                           String container, PodmanImages images) {
        this.container = container;
        this.images = images;
        this.tls = tls;
        this.address = address;
        this.workingDir = workingDir;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts {@code java -jar app} with the given configuration as system properties, on free loopback
     * ports.
     *
     * @param app    the Quarkus fast-jar launcher ({@code target/quarkus-app/quarkus-run.jar})
     * @param config Quarkus/MicroProfile properties, for example {@code kafka.bootstrap.servers}
     * @param heap   -Xmx value, for example "512m"
     */
    public static ServiceProcess start(String name, Path app, Map<String, String> config, String heap, Path logDir) {
        return start(name, app, config, heap, logDir, Map.of(), List.of(), ServiceTls.plaintext());
    }

    /** As {@link #start(String, Path, Map, String, Path)}, with TLS set up as {@code tls} says. */
    public static ServiceProcess start(String name, Path app, Map<String, String> config, String heap, Path logDir,
                                       ServiceTls tls) {
        return start(name, app, config, heap, logDir, Map.of(), List.of(), tls);
    }

    /**
     * As {@link #start(String, Path, Map, String, Path)}, with environment variables and program
     * arguments (a client node given arguments runs its site job and exits).
     */
    public static ServiceProcess start(String name, Path app, Map<String, String> config, String heap, Path logDir,
                                       Map<String, String> env, List<String> args, ServiceTls tls) {
        return start(name, app, config, heap, logDir, env, args, tls, null);
    }

    /** As above, run in {@code workingDir} (null: this process's). */
    public static ServiceProcess start(String name, Path app, Map<String, String> config, String heap, Path logDir,
                                       Map<String, String> env, List<String> args, ServiceTls tls, Path workingDir) {
        return startOn(freePort(), freePort(), name, app, config, heap, logDir, env, args, tls, workingDir);
    }

    /** As above, on the given loopback ports (a service others must find at the same place each time it starts). */
    public static ServiceProcess startOn(int http, int grpc, String name, Path app, Map<String, String> config, String heap,
                                         Path logDir, Map<String, String> env, List<String> args, ServiceTls tls,
                                         Path workingDir) {
        return startOn(null, http, grpc, name, app, config, heap, logDir, env, args, tls, workingDir);
    }

    /** As above, on {@code host} (its namespace and its address; null: this machine's 127.0.0.1). */
    public static ServiceProcess startOn(HostNetwork.Host host, int http, int grpc, String name, Path app,
                                         Map<String, String> config, String heap, Path logDir, Map<String, String> env,
                                         List<String> args, ServiceTls tls, Path workingDir) {
        if (!Files.isRegularFile(app)) {
            throw new IllegalStateException(name + ": " + app + " does not exist; build it first (./mvnw package -DskipTests)");
        }
        String address = host == null ? "127.0.0.1" : host.address();
        Map<String, String> props = listening(config, address, http, grpc, tls);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(app.toAbsolutePath().toString());
        cmd.addAll(args);
        return launch(name, host == null ? cmd : host.wrap(cmd), env, http, grpc, logFile(logDir, name), tls,
                workingDir, address, null, null);
    }

    /**
     * As {@link #startOn(HostNetwork.Host, int, int, String, Path, Map, String, Path, Map, List, ServiceTls, Path)},
     * but the program is image {@code image} of {@code images}, run by podman in a container joined to
     * {@code host}'s network namespace (null: this machine's network, on 127.0.0.1). {@code mounts} (each
     * bound at the same path inside) must hold every file the configuration names. A program with no
     * ports ({@code http} 0, a site) gets {@code config} as it is. Its PID is podman's; stopping it stops
     * and removes the container.
     */
    public static ServiceProcess startContainer(PodmanImages images, String image, HostNetwork.Host host, int http, int grpc,
                                                String name, List<Path> mounts, Map<String, String> config, String heap,
                                                Path logDir, Map<String, String> env, List<String> args, ServiceTls tls) {
        String address = host == null ? "127.0.0.1" : host.address();
        Map<String, String> props = http > 0 ? listening(config, address, http, grpc, tls) : new TreeMap<>(config);
        String container = PodmanImages.container(name, host != null);
        images.remove(container);
        return launch(name, images.run(image, container, host == null ? null : host.namespace(), mounts, heap, props, env, args),
                images.podmanEnv(), http, grpc, logFile(logDir, name), tls, null, address, container, images);
    }

    /** {@code config} with the service's HTTP and gRPC servers on {@code address} and its TLS settings. */
    private static Map<String, String> listening(Map<String, String> config, String address, int http, int grpc,
                                                 ServiceTls tls) {
        Map<String, String> props = new TreeMap<>(config);
        props.put("quarkus.http.host", address);
        props.put("quarkus.http.port", String.valueOf(http));
        props.put("quarkus.grpc.server.host", address);
        props.put("quarkus.grpc.server.port", String.valueOf(grpc));
        props.putAll(tls.properties(http));
        return props;
    }

    /** The log of service {@code name} in {@code logDir}, which is created if missing. */
    private static Path logFile(Path logDir, String name) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        return logDir.resolve(name + ".log");
    }

    private static ServiceProcess launch(String name, List<String> cmd, Map<String, String> env, int http, int grpc,
                                         Path log, ServiceTls tls, Path workingDir, String address, String container,
                                         PodmanImages images) {
        try {
            long t0 = System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (workingDir != null) pb.directory(workingDir.toFile());
            // ONNX Runtime's telemetry off in every process started here, as in the images.
            pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
            pb.environment().putAll(env);
            Process p = pb.start();
            return new ServiceProcess(name, p, http, grpc, log, t0, tls, cmd, env, workingDir, address, container, images);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** SIGKILL, as a crash would: no shutdown hook runs. Waits until the process is gone. */
    public void kill() {
        if (container != null) images.kill(container); // SIGKILL to podman alone would leave the container running
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The same command again, on the same ports and data (after {@link #kill()}), its output appended to the same log. */
    public ServiceProcess restart() {
        if (process.isAlive()) throw new IllegalStateException(name + " is still running");
        return launch(name, command, env, httpPort, grpcPort, log, tls, workingDir, address, container, images);
    }

    /** Waits until /q/health/ready answers 200, or fails with the log's tail. */
    public ServiceProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest req = HttpRequest.newBuilder(URI.create(httpUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        HttpClient http = tls.healthClient();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " during start-up:\n" + logTail(30));
            }
            try {
                if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    readySeconds = (System.nanoTime() - startedNanos) / 1e9;
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            sleep(200);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s:\n" + logTail(30));
    }

    /** Waits for the process to end by itself and returns its exit code; fails with the log's tail on time-out. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s:\n" + logTail(20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
        return process.exitValue();
    }

    public boolean isAlive() { return process.isAlive(); }

    public String name() { return name; }

    public long pid() { return process.pid(); }

    public int httpPort() { return httpPort; }

    public int grpcPort() { return grpcPort; }

    /** The address it listens on: 127.0.0.1, or its host's. */
    public String address() { return address; }

    public String httpUrl() { return tls.scheme() + "://" + address + ":" + httpPort; }

    public Path log() { return log; }

    /** Seconds from launch to ready, or -1 before {@link #awaitReady}. */
    public double readySeconds() { return readySeconds; }

    /** Resident memory in MiB from /proc, or -1 where that is unavailable. */
    public double residentMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM to this process's PID, then SIGKILL after 20 s; a container is removed after that. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (container != null) images.remove(container);
        }
    }

    private void stop() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
