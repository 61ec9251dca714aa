package io.fedfactory.inference.security;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import javax.net.ssl.SSLException;

/**
 * Mutual TLS on the separate gRPC server: the service's PEM certificate and key, client certificates
 * required and verified against the federation's CA only. Set on the underlying Netty builder because
 * Quarkus' own {@code quarkus.grpc.server.ssl.trust-store} takes only keystores with a password, not
 * the CA's PEM file; with no {@code quarkus.grpc.server.ssl.*} set, Quarkus leaves this context in place.
 */
@ApplicationScoped
public class GrpcServerTls implements ServerBuilderCustomizer<VertxServerBuilder> {

    private static final Logger LOG = Logger.getLogger(GrpcServerTls.class);

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        ServiceTls tls = ServiceTls.from(n -> ConfigProvider.getConfig().getOptionalValue(n, String.class).orElse(null));
        if (!tls.enabled()) {
            LOG.warn("fedfactory.tls.enabled=false: the gRPC server accepts PLAINTEXT connections; "
                    + "use this only to measure TLS's cost");
            return;
        }
        var f = tls.requireFiles().files();
        // With the operator's switch off, a client without a certificate may predict, so it must get
        // through the handshake; a certificate it does present is still verified against the CA.
        boolean required = ConfigProvider.getConfig()
                .getOptionalValue("fedfactory.inference.require-application-credential", Boolean.class).orElse(true);
        try {
            SslContext context = GrpcSslContexts.forServer(f.certificate().toFile(), f.privateKey().toFile())
                    .trustManager(f.trustedCa().toFile())
                    .clientAuth(required ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
                    .build();
            builder.nettyBuilder().sslContext(context);
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot set up gRPC TLS from " + f.certificate() + ", " + f.privateKey()
                    + " and " + f.trustedCa() + ": " + e.getMessage(), e);
        }
        LOG.infof("gRPC server: TLS, client certificates %s, trusting %s", required ? "required" : "optional",
                f.trustedCa());
    }
}
