package io.fedfactory.deploy.local;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A federation with every party on its own host (a network namespace with its own address): three
 * Kafka nodes, the aggregator, two inference replicas and three sites. One site's link is cut mid-upload
 * and restored; its upload resumes from the stored offset. Both replicas serve, both refuse the revoked
 * version; no event is lost or duplicated. Then the same federation on one host, for the comparison.
 * Needs root and iproute2; skipped, saying why, elsewhere. The aggregator, the replicas and the sites run
 * as the deploy/images images under podman when the build made them ({@code -Pimages}, which sets
 * {@code fedfactory.multi-host.runtime=auto}) and podman and runc are there; otherwise as the packaged
 * jars. The output says which ran and why.
 */
class MultiHostIT {

    @Test
    void aFederationRunsWithEveryPartyOnItsOwnHost() {
        Optional<String> why = MultiHost.unavailable();
        if (why.isPresent()) System.out.println("[multi-host] SKIPPED: " + why.get());
        Assumptions.assumeTrue(why.isEmpty(), () -> "multi-host test skipped: " + why.orElse(""));
        // auto with -Pimages (deploy/local's pom): the images this build made, where podman and runc are there.
        // Without it, jars: tarballs left by an earlier build may not match the code under test.
        String runtime = System.getProperty("fedfactory.multi-host.runtime", "jars");
        if (runtime.equals("jars")) {
            System.out.println("[multi-host] runtime jars: the build made no images (-Pimages builds them and runs them here)");
        }
        MultiHost.Outcome hosts = run(List.of("--runtime", runtime));
        System.out.println("multi-host: " + hosts);
        assertTrue(hosts.multiHost());
        // -Dfedfactory.multi-host.runtime=images|jars forces one.
        assertTrue(List.of("images", "jars").contains(hosts.ran()), "ran: " + hosts.ran());
        assertEquals(List.of(), hosts.violations());
        assertEquals(0, hosts.lost().size(), "events lost: " + hosts.lost());
        assertEquals(0, hosts.duplicated(), "events duplicated");
        assertTrue(hosts.events() >= 9, "events replayed: " + hosts.events());
        assertTrue(hosts.seconds().containsKey("resume_after_link_up"), "the cut upload resumed: " + hosts.seconds());
        long from = ((Number) hosts.figures().get("resumed_at_byte")).longValue();
        long total = ((Number) hosts.figures().get("module_bytes")).longValue();
        assertTrue(from > 0 && from < total, "resumed mid-module from the stored offset: byte " + from + " of " + total);
        assertTrue(hosts.seconds().containsKey("revocation_inference-1") && hosts.seconds().containsKey("revocation_inference-2"),
                "both replicas refused the revoked version: " + hosts.seconds());

        // The same federation with every party on 127.0.0.1, for the comparison (-Dfedfactory.multi-host.compare=false skips it).
        if (!Boolean.parseBoolean(System.getProperty("fedfactory.multi-host.compare", "true"))) return;
        MultiHost.Outcome single = run(List.of("--single-host"));
        System.out.println("single-host: " + single);
        assertEquals(List.of(), single.violations());
        System.out.printf("[multi-host] federation (create to certificate): %.1f s across hosts, %.1f s on one host "
                        + "(across hosts includes the %s s cut and the slowed uplink); training to served on both replicas: "
                        + "%.1f s vs %.1f s; deletion to retrained on both: %.1f s vs %.1f s%n",
                hosts.seconds().get("federation"), single.seconds().get("federation"), hosts.figures().get("cut_seconds"),
                hosts.seconds().get("training_to_served_on_both"), single.seconds().get("training_to_served_on_both"),
                hosts.seconds().get("deletion_to_retrained_on_both"), single.seconds().get("deletion_to_retrained_on_both"));
    }

    private static MultiHost.Outcome run(List<String> extra) {
        MultiHost run = new MultiHost();
        List<String> args = new java.util.ArrayList<>(List.of("--root", EventPathIT.ROOT.toString(), "--run-dir", "target/multi-host"));
        args.addAll(extra);
        int rc = new CommandLine(run).execute(args.toArray(String[]::new));
        assertNotNull(run.outcome(), "the run did not get as far as the checks (exit " + rc + ")");
        assertEquals(0, rc, "exit code; violations " + run.outcome().violations());
        return run.outcome();
    }
}
