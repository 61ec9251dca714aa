package io.fedfactory.inference.security;

import io.fedfactory.security.CredentialFiles;
import io.fedfactory.security.Identity;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The service's own TLS material, from the {@code fedfactory.tls.*} properties: whether TLS is on, and
 * where its certificate, private key and trusted CA lie (defaults: this service's files in
 * {@code run/pki}, as deploy/pki writes them). Read from raw configuration so that the config source
 * that switches Quarkus' HTTP server to HTTPS can use it before CDI exists.
 */
public record ServiceTls(boolean enabled, CredentialFiles files) {

    /** The identity this service presents to clients and to the aggregator. */
    public static final Identity IDENTITY = Identity.service("inference-svc");

    public static final String ENABLED = "fedfactory.tls.enabled";
    public static final String CERTIFICATE = "fedfactory.tls.certificate";
    public static final String PRIVATE_KEY = "fedfactory.tls.private-key";
    public static final String CA = "fedfactory.tls.ca";

    /** @param lookup a property's value, or null when it is not set */
    public static ServiceTls from(Function<String, String> lookup) {
        String enabled = Optional.ofNullable(lookup.apply(ENABLED)).orElse("true").trim();
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new IllegalArgumentException(ENABLED + " must be true or false, got '" + enabled + "'");
        }
        CredentialFiles files = new CredentialFiles(
                path(lookup, CERTIFICATE, "run/pki/" + IDENTITY.fileStem() + ".pem"),
                path(lookup, PRIVATE_KEY, "run/pki/" + IDENTITY.fileStem() + "-key.pem"),
                path(lookup, CA, "run/pki/ca.pem"));
        return new ServiceTls(Boolean.parseBoolean(enabled), files);
    }

    /** Fails naming the first missing file (and deploy/pki) when TLS is on. */
    public ServiceTls requireFiles() {
        if (enabled) files.requireReadable();
        return this;
    }

    private static Path path(Function<String, String> lookup, String name, String fallback) {
        String v = lookup.apply(name);
        return Path.of(v == null || v.isBlank() ? fallback : v.trim());
    }
}
