package io.fedfactory.deploy.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PodmanImagesTest {

    @Test
    void aContainerGetsTheJarsSettingsAsJvmOptionsAndItsRunFolderAtTheSamePath() {
        PodmanImages images = new PodmanImages(Path.of("/src"), "/usr/bin/podman", "1.2.3");
        List<String> cmd = images.run("aggregator", "ffmh-aggregator", "ffmh-aggregator", List.of(Path.of("/runs/r1")), "512m",
                Map.of("quarkus.http.host", "10.231.0.2", "fedfactory.tls.ca", "/runs/r1/pki/ca.pem"), Map.of("OMP_NUM_THREADS", "1"),
                List.of("--help"));
        assertEquals(List.of("/usr/bin/podman", "run", "--rm", "--runtime", "runc", "--name", "ffmh-aggregator",
                "--network", "ns:/run/netns/ffmh-aggregator", "-v", "/runs/r1:/runs/r1",
                "-e", "JAVA_TOOL_OPTIONS=-Xmx512m -Dfedfactory.tls.ca=/runs/r1/pki/ca.pem -Dquarkus.http.host=10.231.0.2",
                "-e", "OMP_NUM_THREADS=1", "fedfactory/aggregator:1.2.3", "--help"), cmd);
        assertEquals(Map.of("CONTAINERS_CONF", "/src/deploy/images/containers.conf"), images.podmanEnv());
    }

    @Test
    void onThisMachinesNetworkAContainerJoinsTheHostNetworkWithEveryFolderItNeedsBound() {
        PodmanImages images = new PodmanImages(Path.of("/src"), "/usr/bin/podman", "1.2.3");
        String container = PodmanImages.container("client-site-00", false);
        List<String> cmd = images.run("client-node", container, null, List.of(Path.of("/runs/local"), Path.of("/runs/pki")),
                "1g", Map.of("ai.djl.offline", "true"), PodmanImages.containerEnv(Map.of("DJL_CACHE_DIR", "/src/.cache/djl",
                        "OMP_NUM_THREADS", "1")), List.of("--site-id", "site-00"));
        assertEquals(List.of("/usr/bin/podman", "run", "--rm", "--runtime", "runc", "--name", "fflocal-client-site-00",
                "--network", "host", "-v", "/runs/local:/runs/local", "-v", "/runs/pki:/runs/pki",
                "-e", "JAVA_TOOL_OPTIONS=-Xmx1g -Dai.djl.offline=true", "-e", "OMP_NUM_THREADS=1",
                "fedfactory/client-node:1.2.3", "--site-id", "site-00"), cmd);
        // The images carry libtorch unpacked at /opt/djl: the jars' cache folder is not passed in.
        assertEquals("ffmh-client-site-00", PodmanImages.container("client-site-00", true));
    }

    @Test
    void withoutTheTarballsThereAreNoImagesAndTheReasonSaysWhatIsMissing(@TempDir Path root) {
        PodmanImages.Either found = PodmanImages.find(root);
        assertNull(found.images());
        assertNotNull(found.reason());
        // Where podman and runc are installed, the missing tarball is the reason, with the command that builds it.
        assertTrue(found.reason().contains("not installed") || found.reason().contains("-Pimages package"), found.reason());
    }
}
