package io.fedfactory.aggregator.access;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;

/**
 * HTTPS for the HTTP server from the same {@code fedfactory.tls.*} files as gRPC, so one switch turns
 * TLS on or off everywhere: the aggregator's credential, the federation's CA, a client certificate
 * requested (health and metrics stay readable without one) and no plaintext port. With
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
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.tls.aggregator.key-store.pem.server.cert",
                value(context, "fedfactory.tls.certificate", "run/pki/service-aggregator.pem"),
                "quarkus.tls.aggregator.key-store.pem.server.key",
                value(context, "fedfactory.tls.private-key", "run/pki/service-aggregator-key.pem"),
                "quarkus.tls.aggregator.trust-store.pem.certs", value(context, "fedfactory.tls.ca", "run/pki/ca.pem"),
                "quarkus.http.tls-configuration-name", "aggregator",
                "quarkus.http.ssl.client-auth", "request",
                "quarkus.http.insecure-requests", "disabled"), "fedfactory.tls (HTTPS)", ORDINAL));
    }

    private static String value(ConfigSourceContext context, String name, String fallback) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null ? fallback : v.getValue();
    }
}
