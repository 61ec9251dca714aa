package io.fedfactory.client.connection;

import io.fedfactory.client.SiteCommand;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationStatus;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.security.CredentialFiles;
import io.fedfactory.security.Identity;
import io.fedfactory.security.PkiDirectory;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The site's channel against a real gRPC server with mutual TLS that answers with the identity its
 * handshake verified, as the aggregator reads it.
 */
class AggregatorChannelTest {

    static final Path DIR = Path.of("target/test-pki");
    static PkiDirectory pki;
    static Server server;

    /** Answers GetFederationStatus with the caller's verified identity as the federation id. */
    static final class EchoIdentity extends FederationAdminGrpc.FederationAdminImplBase {
        static final io.grpc.Context.Key<String> CALLER = io.grpc.Context.key("caller");

        @Override
        public void getFederationStatus(FederationStatusRequest request, StreamObserver<FederationStatus> out) {
            out.onNext(FederationStatus.newBuilder().setSpec(FederationSpec.newBuilder().setFederationId(CALLER.get())).build());
            out.onCompleted();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        pki = new PkiDirectory(DIR);
        pki.ensure(List.of(Identity.service("aggregator"), Identity.site("site-01"), Identity.site("site-02")));
        CredentialFiles agg = pki.files(Identity.service("aggregator"));
        ServerInterceptor identify = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
                try {
                    var cert = (X509Certificate) call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION).getPeerCertificates()[0];
                    return io.grpc.Contexts.interceptCall(io.grpc.Context.current().withValue(EchoIdentity.CALLER,
                            Identity.of(cert).toString()), call, h, next);
                } catch (Exception e) {
                    call.close(Status.UNAUTHENTICATED.withDescription(e.toString()), new Metadata());
                    return new ServerCall.Listener<>() { };
                }
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(agg.certificate().toFile(), agg.privateKey().toFile())
                        .trustManager(agg.trustedCa().toFile()).clientAuth(ClientAuth.REQUIRE).build())
                .addService(ServerInterceptors.intercept(new EchoIdentity(), identify)).build().start();
    }

    @AfterAll
    static void stop() {
        server.shutdownNow();
    }

    static String callerSeenBy(ManagedChannel channel) {
        try {
            return FederationAdminGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .getFederationStatus(FederationStatusRequest.getDefaultInstance()).getSpec().getFederationId();
        } finally {
            channel.shutdownNow();
        }
    }

    static SiteCommand parse(String... args) {
        SiteCommand command = new SiteCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void theSiteConnectsAsItsOwnIdentityWithTheDefaultFilesOfItsTlsDir() {
        SiteCommand site = parse("--site-id", "site-01", "--federation", "f", "--data", "x", "--tls-dir", DIR.toString());
        assertEquals(DIR.resolve("site-site-01.pem"), site.tlsFiles().certificate());
        assertEquals("site:site-01", callerSeenBy(AggregatorChannel.open("127.0.0.1", server.getPort(), site.tlsFiles(), "site-01")));
    }

    @Test
    void aMissingFileIsNamedWithWhereToGetIt() {
        SiteCommand site = parse("--site-id", "site-07", "--federation", "f", "--data", "x", "--tls-dir", DIR.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AggregatorChannel.open("127.0.0.1", server.getPort(), site.tlsFiles(), "site-07"));
        assertTrue(e.getMessage().contains("site-site-07.pem") && e.getMessage().contains("deploy/pki"), e.getMessage());
    }

    @Test
    void anotherSitesCertificateIsRefusedBeforeConnecting() {
        SiteCommand site = parse("--site-id", "site-01", "--federation", "f", "--data", "x",
                "--certificate", DIR.resolve("site-site-02.pem").toString(),
                "--private-key", DIR.resolve("site-site-02-key.pem").toString(), "--ca", DIR.resolve("ca.pem").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AggregatorChannel.open("127.0.0.1", server.getPort(), site.tlsFiles(), "site-01"));
        assertTrue(e.getMessage().contains("names site:site-02, but this node runs as site:site-01"), e.getMessage());
    }

    @Test
    void plaintextDoesNotReachATlsAggregator() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> callerSeenBy(AggregatorChannel.open("127.0.0.1", server.getPort(), null, "site-01")));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    }
}
