package io.fedfactory.inference;

import io.fedfactory.inference.security.ServiceTls;
import io.fedfactory.security.CredentialFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Creates the test PKI before Quarkus starts and points the service's fedfactory.tls.* at it. */
public class TlsTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        CredentialFiles f = TestTls.files(ServiceTls.IDENTITY);
        return Map.of(ServiceTls.CERTIFICATE, f.certificate().toString(),
                ServiceTls.PRIVATE_KEY, f.privateKey().toString(),
                ServiceTls.CA, f.trustedCa().toString());
    }

    @Override
    public void stop() {
    }
}
