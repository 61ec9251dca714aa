package io.fedfactory.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The OCI images of {@code deploy/images} (aggregator, inference-svc, client-node) run with podman and
 * runc, each container joined to a host's network namespace, or to this machine's network: the command
 * line that runs one, and the tarballs loaded into podman's store once. The images are configured the
 * way an operator would configure them, through environment variables: the JVM options (heap and the
 * same system properties as a jar gets) in {@code JAVA_TOOL_OPTIONS}. The folders given as mounts are
 * bound at the same paths inside, so the paths in that configuration (certificates, data folders, a
 * site's images) hold there too; they must be readable and writable by the images' user 10001.
 *
 * @param root    the project root (the tarballs are under deploy/images/target/images)
 * @param podman  the podman program
 * @param version the project's version, the images' tag
 */
record PodmanImages(Path root, String podman, String version) {

    static final List<String> NAMES = List.of("aggregator", "inference-svc", "client-node");
    /** The images' non-root user. */
    static final int USER = 10001;

    /**
     * Podman ready to run the three images of the project at {@code root}, or why not (nothing installed,
     * nothing built, or not root: the folders a container uses are handed to {@link #USER} with chown).
     */
    static Either find(Path root) {
        Optional<Path> podman = HostNetwork.which("podman");
        if (podman.isEmpty()) return Either.not("podman is not installed");
        if (HostNetwork.which("runc").isEmpty()) return Either.not("runc is not installed");
        for (String n : NAMES) {
            if (!Files.isRegularFile(tarball(root, n)) || !Files.isRegularFile(tarball(root, n).resolveSibling(n + ".id"))) {
                return Either.not("no image tarball " + tarball(root, n) + " (./mvnw -B -ntp -Pimages package -DskipTests builds them)");
            }
        }
        Optional<String> notRoot = HostNetwork.notRoot("the folders the containers use are handed to the images' user "
                + USER + " with chown");
        if (notRoot.isPresent()) return Either.not(notRoot.get());
        String version = projectVersion(root);
        return new Either(new PodmanImages(root, podman.get().toString(), version), null);
    }

    /** A {@link PodmanImages}, or the reason there is none. */
    record Either(PodmanImages images, String reason) {
        static Either not(String reason) {
            return new Either(null, reason);
        }
    }

    /** Loads each tarball whose image (by the id Jib recorded) is not in podman's store yet; returns what it did. */
    List<String> load() {
        List<String> done = new ArrayList<>();
        for (String n : NAMES) {
            String id = read(tarball(root, n).resolveSibling(n + ".id"));
            HostNetwork.Result have = podman(List.of("image", "inspect", "--format", "{{.Id}}", image(n)), 60);
            if (have.rc() == 0 && !have.output().isBlank() && id.endsWith(have.output().trim())) {
                done.add(n + " " + id + " (already loaded)");
                continue;
            }
            long t0 = System.nanoTime();
            HostNetwork.Result r = podman(List.of("load", "-q", "-i", tarball(root, n).toString()), 900);
            if (r.rc() != 0) throw new IllegalStateException("podman load of " + tarball(root, n) + " failed: " + r.output().trim());
            done.add(String.format("%s %s (loaded in %.1f s)", n, id, (System.nanoTime() - t0) / 1e9));
        }
        return done;
    }

    /** The tag a tarball loads as: {@code fedfactory/NAME:VERSION}. */
    String image(String name) {
        return "fedfactory/" + name + ":" + version;
    }

    /**
     * The container's name for a program called {@code name}: ffmh-aggregator, ... in a host's namespace (the
     * multi-host run), fflocal-aggregator, ... on this machine's network.
     */
    static String container(String name, boolean ownHost) {
        return (ownHost ? "ffmh-" : "fflocal-") + name;
    }

    /** A container's environment: a jar's without DJL_CACHE_DIR, since the images carry libtorch unpacked at /opt/djl. */
    static Map<String, String> containerEnv(Map<String, String> env) {
        Map<String, String> e = new TreeMap<>(env);
        e.remove("DJL_CACHE_DIR");
        return e;
    }

    /**
     * {@code podman run} of image {@code name} in the foreground (its output is the container's; a
     * SIGTERM to it is passed on to the container), joined to {@code namespace}, or, if it is null, to
     * this machine's network; each of {@code mounts} bound at its own path.
     */
    List<String> run(String name, String container, String namespace, List<Path> mounts, String heap,
                     Map<String, String> properties, Map<String, String> env, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(podman, "run", "--rm", "--runtime", "runc", "--name", container,
                "--network", namespace == null ? "host" : "ns:/run/netns/" + namespace));
        for (Path m : mounts) {
            cmd.add("-v");
            cmd.add(m + ":" + m);
        }
        Map<String, String> all = new TreeMap<>(env);
        all.put("JAVA_TOOL_OPTIONS", "-Xmx" + heap + new TreeMap<>(properties).entrySet().stream()
                .map(e -> " -D" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining()));
        all.forEach((k, v) -> {
            cmd.add("-e");
            cmd.add(k + "=" + v);
        });
        cmd.add(image(name));
        cmd.addAll(args);
        return cmd;
    }

    /** SIGKILL to the container's program, as a crash would, then removes it. */
    void kill(String container) {
        podman(List.of("kill", "-s", "KILL", container), 60);
        remove(container);
    }

    /** Removes a container of that name, running or not (a run killed before it could clean up leaves one). */
    void remove(String container) {
        podman(List.of("rm", "-f", "-t", "5", container), 60);
    }

    /** The environment podman itself needs here: deploy/images/containers.conf (no default ulimits). */
    Map<String, String> podmanEnv() {
        return Map.of("CONTAINERS_CONF", root.resolve("deploy/images/containers.conf").toString());
    }

    /** Makes {@code dir} and everything in it the images' user's, so a container can read and write it. */
    static void handOver(Path dir) {
        HostNetwork.Result r = HostNetwork.sh(List.of("chown", "-R", USER + ":" + USER, dir.toString()), Map.of(), 120);
        if (r.rc() != 0) throw new IllegalStateException("chown of " + dir + " failed: " + r.output().trim());
    }

    private HostNetwork.Result podman(List<String> args, int seconds) {
        List<String> cmd = new ArrayList<>(List.of(podman));
        cmd.addAll(args);
        return HostNetwork.sh(cmd, podmanEnv(), seconds);
    }

    private static Path tarball(Path root, String name) {
        return root.resolve("deploy/images/target/images").resolve(name + ".tar");
    }

    private static String projectVersion(Path root) {
        // The root pom's own <version>, the first at two spaces of indentation (the parent block has none).
        for (String line : read(root.resolve("pom.xml")).split("\n")) {
            if (line.startsWith("  <version>")) return line.replace("<version>", "").replace("</version>", "").trim();
        }
        throw new IllegalStateException("no <version> in " + root.resolve("pom.xml"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
