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

    public Identity identity() {
        return Identity.of(certificate);
    }
}
