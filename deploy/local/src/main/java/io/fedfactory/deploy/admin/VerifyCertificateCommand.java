package io.fedfactory.deploy.admin;

import io.fedfactory.proto.v1.UnlearningCertificate;
import io.fedfactory.security.Identity;
import io.fedfactory.security.Pem;
import io.fedfactory.security.SignedMessages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * Verifies an unlearning certificate offline: no call to the aggregator, only the saved certificate
 * and the federation's CA certificate. It must be signed by the aggregator's key (a certificate naming
 * service:aggregator, issued by that CA, valid now) over exactly its content.
 */
@Command(name = "verify-certificate", mixinStandardHelpOptions = true,
        description = {"Check an unlearning certificate saved with `certificate --out` offline, against the CA: "
                + "signed by service:aggregator, signer certificate issued by the CA and valid now, content unaltered.",
                "Prints OK, or NOT VALID and why; exit code 0 when valid, 1 when not, 2 when a file cannot be read."})
final class VerifyCertificateCommand implements Callable<Integer> {

    static final Identity SIGNER = Identity.service("aggregator");

    @Option(names = "--certificate", required = true,
            description = "The saved unlearning certificate: protobuf JSON, or binary protobuf if the name ends in .pb.")
    Path certificate;
    @Option(names = "--ca", defaultValue = "run/pki/ca.pem", description = "The federation's CA certificate (default: ${DEFAULT-VALUE}).")
    Path ca;

    private final PrintStream out = System.out;

    @Override
    public Integer call() {
        UnlearningCertificate cert;
        java.security.cert.X509Certificate caCert;
        try {
            cert = CertificateFiles.read(certificate);
            caCert = Pem.readCertificate(ca);
        } catch (IOException | IllegalArgumentException e) {
            out.println("CANNOT VERIFY: " + e.getMessage());
            return 2;
        }
        try {
            SignedMessages.verify(cert, caCert, SIGNER, Instant.now());
        } catch (SignedMessages.SignatureException e) {
            out.println("NOT VALID: " + e.getMessage());
            return 1;
        }
        out.printf("OK: unlearning certificate %s of federation %s is signed by %s (certificate issued by %s) and "
                        + "unaltered: deleted %s, new version %s, from-scratch check %s%n",
                cert.getCertificateId(), cert.getFederationId(), SIGNER, caCert.getSubjectX500Principal().getName(),
                cert.getDeletedModuleIdsList(), cert.getNewVersion(), cert.getFromScratchMatches() ? "matches" : "DOES NOT MATCH");
        return 0;
    }
}
