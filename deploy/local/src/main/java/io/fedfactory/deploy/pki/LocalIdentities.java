package io.fedfactory.deploy.pki;

import io.fedfactory.security.Identity;
import io.fedfactory.security.Role;

import java.util.ArrayList;
import java.util.List;

/** The identities of a local deployment, as the access-control contract names them. */
public final class LocalIdentities {

    public static final Identity AGGREGATOR = Identity.service("aggregator");
    public static final Identity INFERENCE = Identity.service("inference-svc");
    /** The web console: forwards logged-in people's tokens to the aggregator. */
    public static final Identity CONSOLE = Identity.service("console");
    public static final Identity COORDINATOR = new Identity(Role.COORDINATOR, "coordinator");
    public static final Identity AUDITOR = new Identity(Role.AUDITOR, "auditor");
    public static final Identity APPLICATION = new Identity(Role.APPLICATION, "demo-app");

    private LocalIdentities() {
    }

    /** The services (aggregator, inference service, console), the coordinator, the given auditors and applications, and one identity per site. */
    public static List<Identity> of(List<String> siteIds, List<String> auditors, List<String> applications) {
        List<Identity> all = new ArrayList<>(List.of(AGGREGATOR, INFERENCE, CONSOLE, COORDINATOR));
        for (String a : auditors) all.add(new Identity(Role.AUDITOR, a));
        for (String a : applications) all.add(new Identity(Role.APPLICATION, a));
        for (String s : siteIds) all.add(Identity.site(s));
        return all;
    }

    /** site-00 .. site-NN (two digits from 00, as the partitions and run-local name them). */
    public static List<String> siteIds(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) ids.add(String.format("site-%02d", i));
        return ids;
    }
}
