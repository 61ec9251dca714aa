package io.fedfactory.security;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate and the private key that goes with it.
 */
public record Credential(X509Certificate certificate, PrivateKey privateKey) {

    public Credential {
        if (certificate == null || privateKey == null) {
            throw new IllegalArgumentException("credential needs both a certificate and its private key");
        }
    }

    /** Reads a certificate and its private key from PEM files; errors name the file. */
    public static Credential read(java.nio.file.Path certificate, java.nio.file.Path privateKey) throws java.io.IOException {
        return new Credential(Pem.readCertificate(certificate), Pem.readPrivateKey(privateKey));
    }

    public Identity identity() {
        return Identity.of(certificate);
    }
}
