package io.fedfactory.client.connection;

import io.fedfactory.security.CredentialFiles;
import io.fedfactory.security.Identity;
import io.fedfactory.security.Pem;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The site's channel to the aggregator: mutual TLS with the site's own certificate (the aggregator
 * reads the site id from it on every call and checks it against each upload) and trusting only the
 * federation's CA; plaintext only when asked for.
 */
public final class AggregatorChannel {

    /** Seconds without a frame from the aggregator, during a call, before the node pings it. */
    static final long KEEPALIVE_SECONDS = 10;
    /** Seconds an unanswered ping waits before the connection is taken as dead. */
    static final long KEEPALIVE_TIMEOUT_SECONDS = 5;

    private AggregatorChannel() {
    }

    /**
     * @param tls the site's credential files, or null for plaintext
     * @param siteId the site this process acts for: its certificate must name exactly {@code site:<siteId>}
     * @throws IllegalArgumentException naming a missing file, or a certificate of another identity
     */
    public static ManagedChannel open(String host, int port, CredentialFiles tls, String siteId) {
        // Pings while a call is open: a link that went dead mid-upload (no FIN, no RST ever arrives) fails the call
        // within 15 s instead of at its deadline, and the uploader resumes from the stored offset once the link is back.
        // The aggregator allows pings down to every 5 s (fedfactory.grpc.keepalive-seconds).
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port).maxInboundMessageSize(16 << 20)
                .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS).keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (tls == null) return builder.usePlaintext().build();
        tls.requireReadable();
        Identity expected = Identity.site(siteId);
        Identity actual;
        try {
            actual = Identity.of(Pem.readCertificate(tls.certificate()));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the site certificate " + tls.certificate() + ": "
                    + e.getMessage(), e);
        }
        // The aggregator would refuse every upload anyway; saying so here names the file at fault.
        if (!actual.equals(expected)) {
            throw new IllegalArgumentException("certificate " + tls.certificate() + " names " + actual
                    + ", but this node runs as " + expected + " (--site-id " + siteId + ")");
        }
        try {
            return builder.sslContext(GrpcSslContexts.forClient()
                    .keyManager(tls.certificate().toFile(), tls.privateKey().toFile())
                    .trustManager(tls.trustedCa().toFile()).build()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use the TLS files " + tls.certificate() + ", " + tls.privateKey()
                    + ", " + tls.trustedCa() + ": " + e.getMessage(), e);
        }
    }
}
