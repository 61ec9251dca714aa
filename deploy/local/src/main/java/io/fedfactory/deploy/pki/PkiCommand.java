package io.fedfactory.deploy.pki;

import io.fedfactory.security.CredentialFiles;
import io.fedfactory.security.Identity;
import io.fedfactory.security.PkiDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code deploy/pki}: the local deployment's CA and every participant's certificate. */
@Command(name = "pki", mixinStandardHelpOptions = true, version = "fedfactory 0.1.0",
        description = {"Create a local certificate authority and a certificate and private key (PEM) for each site, "
                + "the coordinator, each auditor, each application and the services (aggregator, inference-svc). "
                + "Idempotent: existing certificates that stay valid for "
                + "7 more days are kept; missing or expiring ones are issued again by the same CA.", "",
                "Files: <dir>/ca.pem (give it to everyone), <dir>/ca-key.pem (keep it private), "
                + "<dir>/<role>-<name>.pem and <role>-<name>-key.pem (give each participant only its own)."},
        footer = {"", "Example: deploy/pki --site-count 10 --auditors auditor", "         deploy/pki --sites hospital-a,hospital-b --dir run/pki",
                "         deploy/pki --sites hospital-a --kit kit-hospital-a --federation derm --aggregator agg.example:9081",
                "", "--kit writes one site's startup kit: its certificate and key, ca.pem, site.properties (site id, "
                        + "federation, aggregator address) and a README.md with the one command to run."})
public final class PkiCommand implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = "run/pki", description = "Where the files go (default: ${DEFAULT-VALUE}).")
    Path dir;
    @Option(names = "--sites", split = ",", description = "Site ids, comma-separated.")
    List<String> sites;
    @Option(names = "--site-count", defaultValue = "10",
            description = "Without --sites: site-00 .. site-<N-1>, as deploy/run-local names them (default: ${DEFAULT-VALUE}).")
    int siteCount;
    @Option(names = "--auditors", split = ",", defaultValue = "auditor", description = "Auditor names (default: ${DEFAULT-VALUE}).")
    List<String> auditors;
    @Option(names = "--applications", split = ",", defaultValue = "demo-app",
            description = "Application names allowed to call the inference service (default: ${DEFAULT-VALUE}).")
    List<String> applications;

    @Option(names = "--service-hosts", split = ",", paramLabel = "SERVICE=HOST",
            description = "Names a service is reached by from other hosts, put into its certificate as subject alternative "
                    + "names (beside localhost and 127.0.0.1): aggregator=10.200.0.2,aggregator=agg.example.org,"
                    + "inference-svc=10.200.0.3. A certificate lacking one is issued again.")
    List<String> serviceHosts;
    @Option(names = "--kit", description = "Also write the startup kit of the one site of --sites into this folder.")
    Path kit;
    @Option(names = "--federation", description = "With --kit: the federation id the site joins.")
    String federation;
    @Option(names = "--aggregator", defaultValue = "127.0.0.1:9081",
            description = "With --kit: the aggregator's gRPC host:port as the site reaches it (default: ${DEFAULT-VALUE}).")
    String aggregator;
    @Option(names = "--client-node", defaultValue = "client-node/target/client-node.jar",
            description = "With --kit: the site program the README's command runs (default: ${DEFAULT-VALUE}).")
    Path clientNode;

    private final PrintStream out;

    public PkiCommand() {
        this(System.out);
    }

    PkiCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new PkiCommand()).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (sites == null && (siteCount < 0 || siteCount > 999)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--site-count must be 0..999, got " + siteCount);
        }
        List<Identity> all;
        try {
            all = LocalIdentities.of(sites != null ? sites : LocalIdentities.siteIds(siteCount), auditors, applications);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        PkiDirectory pki = new PkiDirectory(dir);
        boolean hadCa = pki.hasAuthority();
        List<Identity> issued = pki.ensure(all);
        Path abs = dir.toAbsolutePath().normalize();
        out.printf("%s CA: %s (key %s)%n", hadCa ? "existing" : "created", abs.resolve("ca.pem"), abs.resolve("ca-key.pem"));
        for (Identity id : all) {
            CredentialFiles f = pki.files(id);
            out.printf("%-8s %-28s %s, %s%n", issued.contains(id) ? "issued" : "kept", id,
                    f.certificate().getFileName(), f.privateKey().getFileName());
        }
        out.printf("%d issued, %d kept, in %s%n", issued.size(), all.size() - issued.size(), abs);
        if (serviceHosts != null) {
            java.util.Map<String, List<String>> hosts = new java.util.TreeMap<>();
            for (String entry : serviceHosts) {
                int eq = entry.indexOf('=');
                String service = eq < 0 ? "" : entry.substring(0, eq);
                if (!service.equals(LocalIdentities.AGGREGATOR.name()) && !service.equals(LocalIdentities.INFERENCE.name())) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--service-hosts takes SERVICE=HOST with SERVICE "
                            + LocalIdentities.AGGREGATOR.name() + " or " + LocalIdentities.INFERENCE.name() + ", got '" + entry + "'");
                }
                hosts.computeIfAbsent(service, k -> new java.util.ArrayList<>()).add(entry.substring(eq + 1));
            }
            for (var e : hosts.entrySet()) {
                Identity service = Identity.service(e.getKey());
                boolean again = ServiceHosts.ensure(pki, service, e.getValue());
                out.printf("%-8s %-28s subject alternative names localhost, 127.0.0.1, ::1, %s%n", again ? "issued" : "kept",
                        service, String.join(", ", e.getValue()));
            }
        }
        if (kit != null) {
            if (sites == null || sites.size() != 1 || federation == null) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--kit needs exactly one site (--sites <id>) and --federation");
            }
            Identity site = Identity.site(sites.get(0));
            for (Path f : SiteKit.write(kit, site, pki.files(site), federation, aggregator, clientNode)) {
                out.printf("kit      %s%n", f.toAbsolutePath().normalize());
            }
            out.printf("startup kit of %s in %s; its README gives the one command:%n  %s%n", site,
                    kit.toAbsolutePath().normalize(), SiteKit.command(clientNode));
        }
        return 0;
    }
}
