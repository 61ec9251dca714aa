package io.fedfactory.aggregator.access;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * HTTPS for the HTTP server from the same {@code fedfactory.tls.*} files as gRPC, so one switch turns
 * TLS on or off everywhere: the aggregator's credential, the federation's CA and no plaintext port
 * (the client certificate is requested by {@code quarkus.http.ssl.client-auth} in application.properties,
 * a build-time property that must not depend on files present only at run time). With
 * {@code fedfactory.tls.enabled=false} nothing is derived and HTTP stays plaintext.
 *
 * <p>Ordinal below application.properties, so an explicit {@code quarkus.tls.*} or {@code quarkus.http.*}
 * setting there still wins.
 */
public class HttpsConfig implements ConfigSourceFactory {

    static final int ORDINAL = 240;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if ("false".equalsIgnoreCase(value(context, "fedfactory.tls.enabled", "true"))) return List.of();
        String certificate = value(context, "fedfactory.tls.certificate", "run/pki/service-aggregator.pem");
        String key = value(context, "fedfactory.tls.private-key", "run/pki/service-aggregator-key.pem");
        String ca = value(context, "fedfactory.tls.ca", "run/pki/ca.pem");
        if (!Files.isReadable(Path.of(certificate)) || !Files.isReadable(Path.of(key)) || !Files.isReadable(Path.of(ca))) {
            // Derive nothing: the gRPC server then fails start-up naming the missing file and what to do
            // (the TLS registry's own error would not say); this also runs at build time, without the files.
            return List.of();
        }
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.tls.aggregator.key-store.pem.server.cert", certificate,
                "quarkus.tls.aggregator.key-store.pem.server.key", key,
                "quarkus.tls.aggregator.trust-store.pem.certs", ca,
                "quarkus.http.tls-configuration-name", "aggregator",
                "quarkus.http.insecure-requests", "disabled"), "fedfactory.tls (HTTPS)", ORDINAL));
    }

    private static String value(ConfigSourceContext context, String name, String fallback) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null ? fallback : v.getValue();
    }
}
