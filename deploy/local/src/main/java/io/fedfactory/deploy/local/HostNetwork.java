package io.fedfactory.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Several hosts on one Linux machine: each host a network namespace with its own address on one
 * bridge ({@code ip netns}, a veth pair per host), as separate servers on one LAN would be. The
 * machine's own namespace holds the bridge's address ({@code .1}), where the operator's tools run.
 * A host may be restricted to routes towards some addresses only: a site that is given a route to the
 * aggregator alone cannot reach the broker ("Network is unreachable"). Its link can be cut and
 * restored ({@code ip link set … down/up} on the bridge side), and its outgoing traffic shaped
 * ({@code tc … tbf}), as a hospital's uplink would be.
 *
 * <p>Needs root and iproute2. {@link #unavailable()} says why not, for a test to skip with. Every
 * namespace, veth and the bridge this creates are named from one prefix and removed by {@link #close()};
 * leftovers of an earlier run that was killed are removed when the next one starts.
 */
public final class HostNetwork implements AutoCloseable {

    /** One host: its namespace, its address, and the bridge-side end of its link. */
    public record Host(String name, String namespace, String address, String link) {

        /** {@code command} run inside this host's namespace (ip netns exec execs it: the PID is the command's). */
        public List<String> wrap(List<String> command) {
            List<String> all = new ArrayList<>(List.of(IP, "netns", "exec", namespace));
            all.addAll(command);
            return all;
        }
    }

    private static final String IP = which("ip").map(Path::toString).orElse("ip");
    private static final String TC = which("tc").map(Path::toString).orElse("tc");

    private final String prefix;
    private final String subnet;
    private final String bridge;
    private final List<Host> hosts = new ArrayList<>();

    private HostNetwork(String prefix, String subnet) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.bridge = prefix + "br";
    }

    /**
     * Why hosts cannot be made here (not root, no {@code ip}, namespaces refused), or empty when they can.
     * Tries to create and delete one namespace, so a container without CAP_NET_ADMIN is told apart too.
     */
    public static Optional<String> unavailable() {
        Optional<String> notRoot = notRoot("network namespaces need root");
        if (notRoot.isPresent()) return notRoot;
        if (which("ip").isEmpty()) return Optional.of("no 'ip' command (iproute2) on PATH");
        if (which("tc").isEmpty()) return Optional.of("no 'tc' command (iproute2) on PATH");
        String probe = "ffprobe" + ProcessHandle.current().pid();
        Result add = sh(List.of(IP, "netns", "add", probe));
        if (add.rc != 0) return Optional.of("'ip netns add' refused: " + add.output.trim());
        sh(List.of(IP, "netns", "del", probe));
        return Optional.empty();
    }

    /** Why not, when this process does not run as root: "not root (user NAME): " and {@code needs}; empty as root. */
    static Optional<String> notRoot(String needs) {
        String user = System.getProperty("user.name");
        return "root".equals(user) ? Optional.empty() : Optional.of("not root (user " + user + "): " + needs);
    }

    /**
     * A bridge {@code <prefix>br} with address {@code <subnet>.1/24} in this machine's namespace. Namespaces
     * and links left by an earlier run with the same prefix are removed first.
     *
     * @param prefix up to 5 characters, [a-z0-9]: every name made is the prefix and a few more
     * @param subnet the first three octets, e.g. {@code 10.231.0}
     */
    public static HostNetwork create(String prefix, String subnet) {
        if (!prefix.matches("[a-z0-9]{1,5}")) throw new IllegalArgumentException("prefix must match [a-z0-9]{1,5}, got " + prefix);
        if (!subnet.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("subnet must be three octets such as 10.231.0, got " + subnet);
        }
        HostNetwork n = new HostNetwork(prefix, subnet);
        n.removeLeftovers();
        try {
            n.run(IP, "link", "add", n.bridge, "type", "bridge");
            n.run(IP, "addr", "add", subnet + ".1/24", "dev", n.bridge);
            n.run(IP, "link", "set", n.bridge, "up");
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** The address of this machine's own namespace on the bridge: where the operator's tools connect from. */
    public String operatorAddress() {
        return subnet + ".1";
    }

    /**
     * Adds host {@code name} at {@code <subnet>.<octet>}.
     *
     * @param reachable empty: the host reaches the whole subnet; otherwise it has a route to these
     *                  addresses only (and to nothing else: no default route, no subnet route)
     */
    public Host add(String name, int octet, List<String> reachable) {
        if (octet < 2 || octet > 254) throw new IllegalArgumentException("octet must be in [2, 254], got " + octet);
        String ns = prefix + "-" + name;
        String link = prefix + "v" + octet;
        String address = subnet + "." + octet;
        run(IP, "netns", "add", ns);
        Host h = new Host(name, ns, address, link);
        hosts.add(h);
        run(IP, "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns);
        run(IP, "link", "set", link, "master", bridge);
        run(IP, "link", "set", link, "up");
        run(IP, "-n", ns, "link", "set", "lo", "up");
        run(IP, "-n", ns, "addr", "add", address + (reachable.isEmpty() ? "/24" : "/32"), "dev", "eth0");
        run(IP, "-n", ns, "link", "set", "eth0", "up");
        for (String to : reachable) run(IP, "-n", ns, "route", "add", to + "/32", "dev", "eth0");
        return h;
    }

    /** Whether {@code from} has a route to {@code address} (what {@code ip route get} says in its namespace). */
    public boolean routes(Host from, String address) {
        return sh(List.of(IP, "-n", from.namespace(), "route", "get", address)).rc == 0;
    }

    /** Takes the host's link down on the bridge side: its packets go nowhere, as when a cable is pulled. */
    public void cut(Host h) {
        run(IP, "link", "set", h.link(), "down");
    }

    /** Brings the host's link up again. */
    public void restore(Host h) {
        run(IP, "link", "set", h.link(), "up");
    }

    /** Limits what the host sends to {@code rate} (tc's units, e.g. "2mbit"): a slow uplink. */
    public void shape(Host h, String rate) {
        run(IP, "netns", "exec", h.namespace(), TC, "qdisc", "add", "dev", "eth0", "root", "tbf", "rate", rate,
                "burst", "16kb", "latency", "500ms");
    }

    /** Lifts the limit {@link #shape} set. */
    public void unshape(Host h) {
        run(IP, "netns", "exec", h.namespace(), TC, "qdisc", "del", "dev", "eth0", "root");
    }

    /** Bytes the host has sent over its link so far (counted on the bridge side). */
    public long sentBytes(Host h) {
        try {
            return Long.parseLong(Files.readString(Path.of("/sys/class/net", h.link(), "statistics", "rx_bytes")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the byte count of " + h.link(), e);
        }
    }

    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    /** Deletes every namespace and link made here, and the bridge. Processes must have been stopped first. */
    @Override
    public void close() {
        for (Host h : hosts) {
            sh(List.of(IP, "netns", "del", h.namespace()));
            sh(List.of(IP, "link", "del", h.link())); // gone with its peer's namespace, unless the kernel is still at it
        }
        hosts.clear();
        sh(List.of(IP, "link", "del", bridge));
    }

    private void removeLeftovers() {
        for (String line : sh(List.of(IP, "netns", "list")).output.split("\n")) {
            String ns = line.split(" ")[0].trim();
            if (ns.startsWith(prefix + "-")) sh(List.of(IP, "netns", "del", ns));
        }
        for (String line : sh(List.of(IP, "-o", "link", "show")).output.split("\n")) {
            String[] f = line.split(":\\s+");
            if (f.length < 2) continue;
            String link = f[1].split("@")[0];
            if (link.equals(bridge) || link.matches(prefix + "v\\d+")) sh(List.of(IP, "link", "del", link));
        }
    }

    private void run(String... command) {
        Result r = sh(List.of(command));
        if (r.rc != 0) throw new IllegalStateException(String.join(" ", command) + " failed (exit " + r.rc + "): " + r.output.trim());
    }

    record Result(int rc, String output) {
    }

    private static Result sh(List<String> command) {
        return sh(command, Map.of(), 30);
    }

    /** Runs {@code command} with {@code env} added, its output and errors together, for at most {@code seconds}. */
    static Result sh(List<String> command, Map<String, String> env, int seconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, out + " (timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }

    static Optional<Path> which(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
