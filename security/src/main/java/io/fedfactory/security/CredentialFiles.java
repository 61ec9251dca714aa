package io.fedfactory.security;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where one participant's TLS material lies: its certificate, its private key and the CA certificate it
 * trusts (PEM files, the form gRPC, Netty and Quarkus take).
 */
public record CredentialFiles(Path certificate, Path privateKey, Path trustedCa) {

    public CredentialFiles {
        if (certificate == null || privateKey == null || trustedCa == null) {
            throw new IllegalArgumentException("credential files need certificate, privateKey and trustedCa paths");
        }
    }

    /** Fails naming the first missing file, so a misconfigured service says what to create. */
    public CredentialFiles requireReadable() {
        for (Path p : new Path[] {certificate, privateKey, trustedCa}) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("TLS file " + p.toAbsolutePath()
                        + " is missing or unreadable (create the federation's certificates with deploy/pki)");
            }
        }
        return this;
    }
}
