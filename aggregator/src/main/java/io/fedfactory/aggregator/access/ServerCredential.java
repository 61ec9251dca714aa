package io.fedfactory.aggregator.access;

import io.fedfactory.security.Credential;
import io.fedfactory.security.CredentialFiles;
import io.fedfactory.security.Identity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * The aggregator's own certificate and key: its TLS identity and the key that signs unlearning
 * certificates. Read once; a missing file fails start-up naming it.
 */
@ApplicationScoped
public class ServerCredential {

    private static final Logger LOG = Logger.getLogger(ServerCredential.class);
    public static final Identity AGGREGATOR = Identity.service("aggregator");

    @Inject
    TlsSettings tls;

    private volatile Optional<Credential> credential;

    /** The credential files, each checked to be readable. */
    public CredentialFiles files() {
        return new CredentialFiles(tls.certificate(), tls.privateKey(), tls.ca()).requireReadable();
    }

    /**
     * The signing credential; empty only when TLS is off and no credential files exist (then
     * certificates are issued unsigned, which the plaintext mode's warning covers).
     */
    public Optional<Credential> signer() {
        Optional<Credential> c = credential;
        if (c != null) return c;
        synchronized (this) {
            if (credential != null) return credential;
            if (!tls.enabled() && !Files.isReadable(tls.certificate())) {
                LOG.warnf("fedfactory.tls.enabled=false and no credential at %s: unlearning certificates will be unsigned",
                        tls.certificate());
                credential = Optional.empty();
                return credential;
            }
            CredentialFiles f = files();
            try {
                Credential read = Credential.read(f.certificate(), f.privateKey());
                if (!read.identity().equals(AGGREGATOR)) {
                    throw new IllegalStateException("fedfactory.tls.certificate " + f.certificate() + " names "
                            + read.identity() + ", expected " + AGGREGATOR);
                }
                credential = Optional.of(read);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the aggregator's credential " + f.certificate(), e);
            }
            return credential;
        }
    }
}
