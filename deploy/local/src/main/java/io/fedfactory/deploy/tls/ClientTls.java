package io.fedfactory.deploy.tls;

import io.fedfactory.security.Credential;
import io.fedfactory.security.CredentialFiles;
import io.fedfactory.security.Identity;
import io.fedfactory.security.Pem;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * How a local tool reaches the services: over mutual TLS as one identity (its certificate and key,
 * trusting only the federation's CA), or in plaintext when the services run with
 * {@code fedfactory.tls.enabled=false}.
 */
public final class ClientTls {

    private final CredentialFiles files;
    private final Credential credential;

    private ClientTls(CredentialFiles files, Credential credential) {
        this.files = files;
        this.credential = credential;
    }

    public static ClientTls plaintext() {
        return new ClientTls(null, null);
    }

    /** @throws IllegalArgumentException naming a missing file (and deploy/pki) */
    public static ClientTls of(CredentialFiles files) {
        files.requireReadable();
        try {
            return new ClientTls(files, Credential.read(files.certificate(), files.privateKey()));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the credential " + files.certificate() + " / "
                    + files.privateKey() + ": " + e.getMessage(), e);
        }
    }

    public boolean enabled() {
        return files != null;
    }

    /** Who this client is, or "plaintext". */
    public String describe() {
        return enabled() ? credential.identity() + " (" + files.certificate() + ")" : "plaintext";
    }

    public Identity identity() {
        return enabled() ? credential.identity() : null;
    }

    /** The certificate and key (null in plaintext): what signs a console login token. */
    public Credential credential() {
        return credential;
    }

    public ManagedChannel channel(String host, int port, int maxInboundBytes) {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port).maxInboundMessageSize(maxInboundBytes);
        if (!enabled()) return builder.usePlaintext().build();
        try {
            return builder.sslContext(GrpcSslContexts.forClient()
                    .keyManager(files.certificate().toFile(), files.privateKey().toFile())
                    .trustManager(files.trustedCa().toFile()).build()).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up TLS from " + files.certificate(), e);
        }
    }

    public String httpScheme() {
        return enabled() ? "https" : "http";
    }

    /** An HTTP client that presents this credential and trusts only the CA (plain HTTP when disabled). */
    public HttpClient httpClient(Duration connectTimeout) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
        if (enabled()) b.sslContext(sslContext());
        return b.build();
    }

    /**
     * An HTTPS client that trusts only {@code ca} and presents no certificate: enough for /q/health and
     * /metrics, which the services leave readable by ops tooling.
     */
    public static HttpClient trustingOnly(java.nio.file.Path ca, Duration connectTimeout) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(ca).getTrustManagers(), new SecureRandom());
            return HttpClient.newBuilder().connectTimeout(connectTimeout).sslContext(context).build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot trust " + ca + ": " + e.getMessage(), e);
        }
    }

    private static TrustManagerFactory trustManagers(java.nio.file.Path ca) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.readCertificate(ca));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    private SSLContext sslContext() {
        try {
            TrustManagerFactory tmf = trustManagers(files.trustedCa());
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", credential.privateKey(), new char[0], new X509Certificate[] {credential.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context from " + files.certificate() + " and "
                    + files.trustedCa() + ": " + e.getMessage(), e);
        }
    }
}
