package io.fedfactory.deploy.local;

import io.fedfactory.deploy.tls.ClientTls;
import io.fedfactory.security.CredentialFiles;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a child service is started with respect to TLS: its own credential files passed as
 * {@code -Dfedfactory.tls.*} (HTTPS on its HTTP port, mutual TLS on gRPC), or plaintext
 * ({@code fedfactory.tls.enabled=false}).
 */
public record ServiceTls(CredentialFiles files) {

    public static ServiceTls plaintext() {
        return new ServiceTls(null);
    }

    public static ServiceTls of(CredentialFiles files) {
        return new ServiceTls(files.requireReadable());
    }

    public boolean enabled() {
        return files != null;
    }

    /** The system properties that configure it; the HTTPS port is the one ServiceProcess picked for HTTP. */
    Map<String, String> properties(int httpPort) {
        Map<String, String> p = new TreeMap<>();
        p.put("fedfactory.tls.enabled", String.valueOf(enabled()));
        if (enabled()) {
            p.put("fedfactory.tls.certificate", files.certificate().toAbsolutePath().toString());
            p.put("fedfactory.tls.private-key", files.privateKey().toAbsolutePath().toString());
            p.put("fedfactory.tls.ca", files.trustedCa().toAbsolutePath().toString());
            p.put("quarkus.http.ssl-port", String.valueOf(httpPort));
        }
        return p;
    }

    String scheme() {
        return enabled() ? "https" : "http";
    }

    /** What polls its health: over HTTPS trusting only the CA, without a client certificate. */
    HttpClient healthClient() {
        Duration timeout = Duration.ofSeconds(2);
        return enabled() ? ClientTls.trustingOnly(files.trustedCa(), timeout)
                : HttpClient.newBuilder().connectTimeout(timeout).build();
    }
}
