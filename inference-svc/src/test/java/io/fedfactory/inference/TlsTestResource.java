package io.fedfactory.inference;

import io.fedfactory.inference.security.ServiceTls;
import io.fedfactory.security.CredentialFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

/**
 * Creates the test PKI before Quarkus starts and points the service's fedfactory.tls.* at it; starts
 * the test's {@link FakeAggregator} and gives the service ports chosen free now, so tests running
 * side by side on one machine never collide. Tests read the ports back from {@link TestTls}.
 */
public class TlsTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        CredentialFiles f = TestTls.files(ServiceTls.IDENTITY);
        return Map.of(ServiceTls.CERTIFICATE, f.certificate().toString(),
                ServiceTls.PRIVATE_KEY, f.privateKey().toString(),
                ServiceTls.CA, f.trustedCa().toString(),
                "fedfactory.aggregator.grpc-port", Integer.toString(FakeAggregator.shared().port()),
                TestTls.GRPC_PORT_PROPERTY, Integer.toString(freePort()),
                TestTls.HTTPS_PORT_PROPERTY, Integer.toString(freePort()));
    }

    @Override
    public void stop() {
    }

    /** A loopback port free at this moment (Quarkus binds it a moment later). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
