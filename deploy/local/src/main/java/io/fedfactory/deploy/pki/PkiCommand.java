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
        footer = {"", "Example: deploy/pki --site-count 10 --auditors auditor", "         deploy/pki --sites hospital-a,hospital-b --dir run/pki"})
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
        return 0;
    }
}
