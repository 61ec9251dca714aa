package io.fedfactory.aggregator.transport;

import io.fedfactory.aggregator.access.AccessInterceptor;
import io.fedfactory.aggregator.access.ServerCredential;
import io.fedfactory.aggregator.access.TlsSettings;
import io.fedfactory.aggregator.audit.AuditLog;
import io.fedfactory.aggregator.audit.AuditTrailService;
import io.fedfactory.aggregator.samples.ModuleSamplesService;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.federation.FederationRegistry;
import io.fedfactory.aggregator.models.ModelVersions;
import io.fedfactory.aggregator.training.TrainingJobs;
import io.fedfactory.aggregator.unlearning.Unlearning;
import io.fedfactory.aggregator.upload.UploadIntake;
import io.fedfactory.aggregator.upload.UploadMetrics;
import io.fedfactory.aggregator.models.ModelDownloadService;
import io.fedfactory.aggregator.upload.ModuleUploadService;
import io.fedfactory.security.CredentialFiles;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The aggregator's gRPC server: grpc-java on Netty with mutual TLS (client certificates required,
 * trusting only {@code fedfactory.tls.ca}), every service behind the {@link AccessInterceptor}.
 *
 * <p>Built here rather than by Quarkus: Quarkus' separate gRPC server takes its trust store only as
 * JKS/PKCS#12 with a password, while the federation's PKI is PEM files. Host, ports and the message
 * size limit keep their {@code quarkus.grpc.server.*} names. Every callback runs on a worker thread,
 * since uploads write to disk and admission loads modules; the event loops only move bytes.
 */
@ApplicationScoped
public class GrpcEndpoint {

    private static final Logger LOG = Logger.getLogger(GrpcEndpoint.class);

    @Inject
    TlsSettings tls;
    @Inject
    ServerCredential credential;
    @Inject
    AccessInterceptor access;
    @Inject
    UploadIntake intake;
    @Inject
    UploadMetrics uploadMetrics;
    @Inject
    FederationRegistry registry;
    @Inject
    TrainingJobs jobs;
    @Inject
    Unlearning unlearning;
    @Inject
    ModelVersions versions;
    @Inject
    AuditLog auditLog;
    @Inject
    AggregatorStore store;

    @ConfigProperty(name = "quarkus.grpc.server.host", defaultValue = "127.0.0.1")
    String host;
    @ConfigProperty(name = "quarkus.grpc.server.port", defaultValue = "9081")
    int port;
    /** 0 (the default): a free port chosen at start; tests read it from {@link #port()}. */
    @ConfigProperty(name = "quarkus.grpc.server.test-port", defaultValue = "0")
    int testPort;
    @ConfigProperty(name = "quarkus.grpc.server.max-inbound-message-size", defaultValue = "4194304")
    int maxInboundMessageSize;
    @ConfigProperty(name = "fedfactory.grpc.worker-threads", defaultValue = "32")
    int workerThreads;
    @ConfigProperty(name = "fedfactory.grpc.keepalive-seconds", defaultValue = "10")
    int keepAliveSeconds;

    private Server server;
    private ExecutorService workers;

    void start(@Observes @Priority(10) StartupEvent e) {
        int bindPort = LaunchMode.current() == LaunchMode.TEST ? testPort : port;
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(workerThreads, r -> {
            Thread t = new Thread(r, "grpc-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        if (keepAliveSeconds < 2 || keepAliveSeconds > 7200) {
            throw new IllegalArgumentException("fedfactory.grpc.keepalive-seconds must be in [2, 7200], got " + keepAliveSeconds);
        }
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(host, bindPort))
                .executor(workers)
                .maxInboundMessageSize(maxInboundMessageSize)
                // A dead link (a site's cable pulled mid-upload) ends its calls within 1.5 × keepalive, so the
                // upload's slot is free when the site comes back and resumes.
                .keepAliveTime(keepAliveSeconds, TimeUnit.SECONDS)
                .keepAliveTimeout(Math.max(1, keepAliveSeconds / 2), TimeUnit.SECONDS)
                .permitKeepAliveTime(Math.max(1, keepAliveSeconds / 2), TimeUnit.SECONDS);
        String engine = "";
        if (tls.enabled()) {
            CredentialFiles f = credential.files();
            credential.signer(); // fails now, not at the first certificate, if the credential is not the aggregator's
            try {
                SslContext ssl = GrpcSslContexts.forServer(f.certificate().toFile(), f.privateKey().toFile())
                        .trustManager(f.trustedCa().toFile())
                        .clientAuth(ClientAuth.REQUIRE)
                        .build();
                engine = ", " + (OpenSsl.isAvailable() ? "OpenSSL " + OpenSsl.versionString() : "JDK TLS");
                b.sslContext(ssl);
            } catch (IOException | RuntimeException ex) {
                throw new IllegalStateException("cannot set up TLS from " + f + ": " + ex.getMessage(), ex);
            }
        } else {
            LOG.warn("*** fedfactory.tls.enabled=false: gRPC is PLAINTEXT, callers are NOT authenticated and roles are NOT "
                    + "enforced. Only for measuring what TLS costs; never on a network. ***");
        }
        for (BindableService s : List.of(new ModuleUploadService(intake, uploadMetrics),
                new FederationAdminService(registry, jobs, unlearning, versions), new ModelDownloadService(versions),
                new AuditTrailService(auditLog), new ModuleSamplesService(store))) {
            b.addService(ServerInterceptors.intercept(s, access));
        }
        try {
            server = b.build().start();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot start the gRPC server on " + host + ":" + bindPort, ex);
        }
        LOG.infof("gRPC server on %s:%d (%s)", host, server.getPort(),
                tls.enabled() ? "mutual TLS, client certificates of " + tls.ca() + " required" + engine : "PLAINTEXT");
    }

    void stop(@Observes ShutdownEvent e) {
        if (server == null) return;
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) server.shutdownNow();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        workers.shutdownNow();
    }

    public boolean listening() {
        return server != null && !server.isShutdown();
    }

    /** The port the server listens on (the one chosen at start when configured as 0). */
    public int port() {
        return server.getPort();
    }
}
