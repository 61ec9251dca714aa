package io.fedfactory.aggregator.access;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;

/** The aggregator's TLS credential and the CA it trusts ({@code fedfactory.tls.*}, see application.properties). */
@ConfigMapping(prefix = "fedfactory.tls")
public interface TlsSettings {

    /** False: plaintext gRPC, no caller identities (only to measure what TLS costs). */
    @WithDefault("true")
    boolean enabled();

    /** PEM certificate of service:aggregator. */
    @WithDefault("run/pki/service-aggregator.pem")
    Path certificate();

    /** PEM (PKCS#8) private key of that certificate. */
    @WithDefault("run/pki/service-aggregator-key.pem")
    Path privateKey();

    /** PEM certificate of the federation's CA: the only issuer whose client certificates are accepted. */
    @WithDefault("run/pki/ca.pem")
    Path ca();
}
