package io.fedfactory.inference.security;

import io.fedfactory.security.CredentialFiles;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Derives the HTTP server's TLS from {@code fedfactory.tls.*}, so that one switch and three paths
 * configure both transports: with TLS on, the default TLS configuration holds the service's PEM
 * certificate and key and trusts only the federation's CA, HTTPS is the only listener
 * ({@code insecure-requests=disabled}) and a client certificate is requested (optional, so health and
 * metrics stay readable by ops tooling; the API checks it). With TLS off nothing is added and Quarkus
 * serves plain HTTP.
 *
 * <p>Its ordinal sits below application.properties, so an explicit {@code quarkus.tls.*} or
 * {@code quarkus.http.ssl.*} there or on the command line still wins.
 */
public class TlsConfigSourceFactory implements ConfigSourceFactory {

    static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ServiceTls tls = ServiceTls.from(name -> {
            ConfigValue v = context.getValue(name);
            return v == null ? null : v.getValue();
        });
        if (!tls.enabled()) return List.of();
        // Not checked here: Quarkus also reads configuration while building, where run/pki need not exist.
        // A missing file fails start-up in the TLS registry (naming the file) and in GrpcServerTls.
        CredentialFiles f = tls.files();
        Map<String, String> props = Map.of(
                "quarkus.tls.key-store.pem.0.cert", f.certificate().toAbsolutePath().toString(),
                "quarkus.tls.key-store.pem.0.key", f.privateKey().toAbsolutePath().toString(),
                "quarkus.tls.trust-store.pem.certs", f.trustedCa().toAbsolutePath().toString(),
                "quarkus.http.ssl.client-auth", "request",
                "quarkus.http.insecure-requests", "disabled");
        return List.of(new PropertiesConfigSource(props, "fedfactory-tls", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
