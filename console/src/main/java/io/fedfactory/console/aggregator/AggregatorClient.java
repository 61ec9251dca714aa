package io.fedfactory.console.aggregator;

import io.fedfactory.console.ConsoleSettings;
import io.fedfactory.console.login.Session;
import io.fedfactory.proto.v1.AuditTrailGrpc;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.ModuleSamplesGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * The console's one channel to the aggregator: mutual TLS with the console's certificate
 * (service:console). Every call carries the logged-in person's login token, so the aggregator checks
 * that person's role and audits that person; the console itself may do nothing else.
 */
@ApplicationScoped
public class AggregatorClient {

    /** The metadata key the aggregator reads (its access.LoginDelegation). */
    public static final Metadata.Key<byte[]> LOGIN_TOKEN = Metadata.Key.of("fedfactory-login-token-bin",
            Metadata.BINARY_BYTE_MARSHALLER);

    @Inject
    ConsoleSettings settings;

    private volatile ManagedChannel channel;

    /** The administration API, acting as {@code who}. */
    public FederationAdminGrpc.FederationAdminBlockingStub admin(Session who) {
        return as(FederationAdminGrpc.newBlockingStub(channel()), who);
    }

    public AuditTrailGrpc.AuditTrailBlockingStub audit(Session who) {
        return as(AuditTrailGrpc.newBlockingStub(channel()), who);
    }

    public ModuleSamplesGrpc.ModuleSamplesBlockingStub samples(Session who) {
        return as(ModuleSamplesGrpc.newBlockingStub(channel()), who);
    }

    private <S extends AbstractStub<S>> S as(S stub, Session who) {
        Metadata headers = new Metadata();
        headers.put(LOGIN_TOKEN, who.token().toByteArray());
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(settings.console().callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private ManagedChannel channel() {
        ManagedChannel c = channel;
        if (c != null) return c;
        synchronized (this) {
            if (channel != null) return channel;
            String address = settings.console().aggregator();
            int colon = address.lastIndexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("fedfactory.console.aggregator must be host:port, got '" + address + "'");
            }
            ConsoleSettings.Tls tls = settings.tls();
            try {
                channel = NettyChannelBuilder.forAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))
                        .maxInboundMessageSize(16 << 20)
                        .sslContext(GrpcSslContexts.forClient().keyManager(tls.certificate().toFile(), tls.privateKey().toFile())
                                .trustManager(tls.ca().toFile()).build())
                        .build();
            } catch (IOException | RuntimeException e) {
                throw new UncheckedIOException("cannot set up TLS to the aggregator from " + tls.certificate() + ": "
                        + e.getMessage(), e instanceof IOException io ? io : new IOException(e));
            }
            return channel;
        }
    }

    void stop(@Observes ShutdownEvent e) {
        ManagedChannel c = channel;
        if (c != null) c.shutdownNow();
    }
}
