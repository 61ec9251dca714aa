package io.fedfactory.inference.security;

import io.fedfactory.security.CredentialFiles;
import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Derives the HTTP server's TLS from {@code fedfactory.tls.*}, so that one switch and three paths
 * configure both transports. With TLS on, the default TLS configuration holds the service's PEM
 * certificate and key and trusts only the federation's CA, HTTPS is the only listener
 * ({@code insecure-requests=disabled}) and a client certificate is requested (optional, so health and
 * metrics stay readable by ops tooling; the API checks it). With TLS off the key and trust stores do
 * not exist and Quarkus serves plain HTTP.
 *
 * <p>An interceptor rather than a config source: Quarkus records the values it sees while building as
 * defaults of the packaged application, and only an interceptor can hide those again when TLS is
 * switched off at run time. These properties are owned here; set {@code fedfactory.tls.*} instead.
 */
@Priority(Priorities.APPLICATION)
public class TlsConfigInterceptor implements ConfigSourceInterceptor {

    private static final String KEY_CERT = "quarkus.tls.key-store.pem.0.cert";
    private static final String KEY = "quarkus.tls.key-store.pem.0.key";
    private static final String TRUST = "quarkus.tls.trust-store.pem.certs";
    private static final String CLIENT_AUTH = "quarkus.http.ssl.client-auth";
    private static final String INSECURE = "quarkus.http.insecure-requests";
    private static final Set<String> OWNED = Set.of(KEY_CERT, KEY, TRUST, CLIENT_AUTH, INSECURE);

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        if (!OWNED.contains(name)) return context.proceed(name);
        String value = values(context).get(name);
        return value == null ? null : ConfigValue.builder().withName(name).withValue(value).withRawValue(value)
                .withConfigSourceName("fedfactory.tls.*").withConfigSourceOrdinal(275).build();
    }

    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        Set<String> names = new LinkedHashSet<>();
        context.iterateNames().forEachRemaining(n -> {
            if (!OWNED.contains(n)) names.add(n);
        });
        names.addAll(values(context).keySet());
        return names.iterator();
    }

    /** What the owned properties are for the current fedfactory.tls.* (absent ones are left out). */
    private static Map<String, String> values(ConfigSourceInterceptorContext context) {
        ServiceTls tls = ServiceTls.from(n -> {
            ConfigValue v = context.proceed(n);
            return v == null ? null : v.getValue();
        });
        if (!tls.enabled()) return Map.of(CLIENT_AUTH, "none", INSECURE, "enabled");
        // Not checked here: Quarkus also reads configuration while building, where run/pki need not exist.
        // A missing file fails start-up in the TLS registry (naming the file) and in GrpcServerTls.
        CredentialFiles f = tls.files();
        return Map.of(KEY_CERT, f.certificate().toAbsolutePath().toString(),
                KEY, f.privateKey().toAbsolutePath().toString(),
                TRUST, f.trustedCa().toAbsolutePath().toString(),
                CLIENT_AUTH, "request",
                INSECURE, "disabled");
    }
}
