package io.fedfactory.deploy.images;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;

/**
 * The images' health check, run inside the container (it has no shell and no curl):
 * {@code java -cp /opt/fedfactory/jib/classes io.fedfactory.deploy.images.HealthCheck URL}. Exit 0 when
 * the URL answers 200 within 5 s, else 1 with the reason. An https URL is trusted through the CA in
 * {@code FEDFACTORY_TLS_CA} (the federation's, which issued the service's certificate); the service
 * is asked on its own loopback address, so the host name is not checked.
 */
public final class HealthCheck {

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: HealthCheck URL   (for example https://127.0.0.1:8081/q/health/ready)");
            System.exit(2);
        }
        try {
            URI uri = URI.create(args[0]);
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
            if (uri.getScheme().equals("https")) {
                System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
                b.sslContext(trusting(Path.of(System.getenv().getOrDefault("FEDFACTORY_TLS_CA", "/pki/ca.pem"))));
            }
            HttpResponse<String> r = b.build().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                System.out.println("healthy: " + uri);
                System.exit(0);
            }
            System.err.println("unhealthy: " + uri + " answered " + r.statusCode() + ": " + r.body());
        } catch (Exception e) {
            System.err.println("unhealthy: " + args[0] + ": " + e);
        }
        System.exit(1);
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private HealthCheck() {
    }
}
