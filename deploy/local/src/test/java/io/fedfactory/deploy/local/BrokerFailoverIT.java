package io.fedfactory.deploy.local;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A federation on a real 3-node KRaft cluster (each node its own process, data folder and ports) with
 * the packaged aggregator and inference service: one broker SIGKILLed mid-upload, another mid-training;
 * the federation completes, and the topics hold every state change exactly once.
 */
class BrokerFailoverIT {

    @Test
    void aFederationCompletesWhileBrokersAreKilledAndNoEventIsLostOrDuplicated() {
        BrokerFailover run = new BrokerFailover();
        int rc = new CommandLine(run).execute("--root", EventPathIT.ROOT.toString(), "--run-dir", "target/broker-failover",
                "--pki-dir", EventPathIT.PKI.toString());
        BrokerFailover.Outcome o = run.outcome();
        System.out.println("broker failover: " + o);
        assertTrue(o != null, "the run did not get as far as the checks (exit " + rc + ")");
        assertEquals(2, o.kills().size(), "two brokers killed: " + o.kills());
        assertEquals(java.util.List.of(), o.violations());
        assertEquals(java.util.Set.of(), o.lost(), "events lost");
        assertEquals(java.util.Map.of(), o.duplicates(), "events duplicated");
        // create, 3 admissions, v1, deletion, revocation, v2, certificate at least: an empty replay must not pass.
        assertTrue(o.events() >= 9, "events replayed: " + o.events());
        assertEquals(0, rc);
    }
}
