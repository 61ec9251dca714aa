package io.fedfactory.inference;

import io.fedfactory.inference.security.ServiceTls;
import io.fedfactory.security.CertificateAuthority;
import io.fedfactory.security.Credential;
import io.fedfactory.security.CredentialFiles;
import io.fedfactory.security.Identity;
import io.fedfactory.security.PkiDirectory;
import io.fedfactory.security.Role;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.restassured.RestAssured;
import io.restassured.config.SSLConfig;
import io.restassured.specification.RequestSpecification;
import org.apache.http.conn.ssl.SSLSocketFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A throwaway PKI under target/ for the tests (made once per JVM, before Quarkus starts), and clients
 * that present its credentials: REST over HTTPS and gRPC over mutual TLS.
 */
public final class TestTls {

    /** Chosen free by {@link TlsTestResource} at each start of the service. */
    static final String HTTPS_PORT_PROPERTY = "quarkus.http.test-ssl-port";
    static final String GRPC_PORT_PROPERTY = "quarkus.grpc.server.test-port";

    public static final Identity APPLICATION = new Identity(Role.APPLICATION, "demo-app");
    public static final Identity SITE = Identity.site("site-01");
    public static final Identity AGGREGATOR = Identity.service("aggregator");

    private static final Path DIR = Path.of("target/test-pki");
    private static PkiDirectory pki;
    private static Credential foreign;
    private static Credential expired;

    private TestTls() {
    }

    /** The running service's HTTPS port. */
    public static int httpsPort() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue(HTTPS_PORT_PROPERTY, Integer.class);
    }

    /** The running service's gRPC port. */
    public static int grpcPort() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue(GRPC_PORT_PROPERTY, Integer.class);
    }

    public static synchronized PkiDirectory pki() {
        if (pki == null) {
            try {
                pki = new PkiDirectory(DIR);
                pki.ensure(List.of(ServiceTls.IDENTITY, AGGREGATOR, APPLICATION, SITE));
                SecureRandom random = new SecureRandom();
                // Same subject as the real application, from a CA the service never heard of.
                foreign = CertificateAuthority.create("other-ca", Instant.now().minusSeconds(60), Duration.ofDays(2), random)
                        .issueLoopback(APPLICATION, Instant.now().minusSeconds(60), Duration.ofDays(1));
                // From the right CA, but its validity ended yesterday.
                expired = pki.authority(random).issueLoopback(APPLICATION, Instant.now().minus(Duration.ofDays(3)),
                        Duration.ofDays(2));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the test PKI in " + DIR, e);
            }
        }
        return pki;
    }

    public static CredentialFiles files(Identity identity) {
        return pki().files(identity);
    }

    public static Credential credential(Identity identity) {
        try {
            return pki().credential(identity);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Credential foreign() {
        pki();
        return foreign;
    }

    public static Credential expired() {
        pki();
        return expired;
    }

    public static X509Certificate caCertificate() {
        try {
            return io.fedfactory.security.Pem.readCertificate(pki().caCertificate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A REST request as the demo application (plain HTTP where a test profile turned TLS off). */
    public static RequestSpecification given() {
        boolean tls = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue(ServiceTls.ENABLED, Boolean.class).orElse(true);
        return tls ? given(credential(APPLICATION)) : RestAssured.given();
    }

    /** A REST request over HTTPS presenting {@code client} (null: no client certificate). */
    public static RequestSpecification given(Credential client) {
        SSLSocketFactory factory = new SSLSocketFactory(sslContext(client), SSLSocketFactory.STRICT_HOSTNAME_VERIFIER);
        return RestAssured.given().baseUri("https://127.0.0.1").port(httpsPort())
                .config(RestAssured.config().sslConfig(SSLConfig.sslConfig().sslSocketFactory(factory)));
    }

    /** A gRPC channel to the service presenting {@code client} (null: no client certificate). */
    public static ManagedChannel channel(Credential client) {
        try {
            var ssl = GrpcSslContexts.forClient().trustManager(caCertificate());
            if (client != null) ssl.keyManager(client.privateKey(), client.certificate());
            return NettyChannelBuilder.forAddress("127.0.0.1", grpcPort()).sslContext(ssl.build()).build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ManagedChannel applicationChannel() {
        return channel(credential(APPLICATION));
    }

    static SSLContext sslContext(Credential client) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", caCertificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (client != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", client.privateKey(), new char[0], new X509Certificate[] {client.certificate()});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a client TLS context", e);
        }
    }
}
