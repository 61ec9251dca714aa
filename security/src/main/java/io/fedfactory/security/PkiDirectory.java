package io.fedfactory.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A certificate authority and the credentials it issued, as PEM files in one directory:
 * {@code ca.pem} and {@code ca-key.pem}, then {@code <role>-<name>.pem} and {@code <role>-<name>-key.pem}
 * per identity. This is the local deployment's PKI; in a real network the CA key stays offline and each
 * site receives only its own two files and {@code ca.pem}.
 */
public final class PkiDirectory {

    /** CA lifetime. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Lifetime of issued certificates. */
    public static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(365);
    /** A certificate that expires sooner than this is issued again by {@link #ensure}. */
    public static final Duration RENEW_BEFORE = Duration.ofDays(7);

    private final Path dir;

    public PkiDirectory(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    public Path caKey() {
        return dir.resolve("ca-key.pem");
    }

    public CredentialFiles files(Identity identity) {
        return new CredentialFiles(dir.resolve(identity.fileStem() + ".pem"),
                dir.resolve(identity.fileStem() + "-key.pem"), caCertificate());
    }

    public boolean hasAuthority() {
        return Files.exists(caCertificate()) && Files.exists(caKey());
    }

    /** The CA, created (and written) if the directory has none. */
    public CertificateAuthority authority(SecureRandom random) throws IOException {
        if (hasAuthority()) {
            return CertificateAuthority.of(Credential.read(caCertificate(), caKey()),
                    random);
        }
        Files.createDirectories(dir);
        CertificateAuthority ca = CertificateAuthority.create("fedfactory-ca", Instant.now().minusSeconds(60),
                CA_VALIDITY, random);
        Pem.writePrivateKey(caKey(), ca.credential().privateKey());
        Pem.writeCertificate(caCertificate(), ca.certificate());
        return ca;
    }

    /**
     * Makes sure every identity has a certificate from this directory's CA that stays valid for at least
     * {@link #RENEW_BEFORE}; creates the CA on first use. Returns the identities issued now.
     */
    public List<Identity> ensure(Collection<Identity> identities) throws IOException {
        SecureRandom random = new SecureRandom();
        CertificateAuthority ca = authority(random);
        List<Identity> issued = new ArrayList<>();
        for (Identity id : identities) {
            if (current(id, ca)) continue;
            write(id, ca.issueLoopback(id, Instant.now().minusSeconds(60), CERTIFICATE_VALIDITY));
            issued.add(id);
        }
        return issued;
    }

    /** Writes a credential under the identity's file names (key first, so a certificate never lacks its key). */
    public CredentialFiles write(Identity identity, Credential credential) throws IOException {
        CredentialFiles f = files(identity);
        Pem.writePrivateKey(f.privateKey(), credential.privateKey());
        Pem.writeCertificate(f.certificate(), credential.certificate());
        return f;
    }

    public Credential credential(Identity identity) throws IOException {
        CredentialFiles f = files(identity).requireReadable();
        return Credential.read(f.certificate(), f.privateKey());
    }

    private boolean current(Identity id, CertificateAuthority ca) throws IOException {
        CredentialFiles f = files(id);
        if (!Files.exists(f.certificate()) || !Files.exists(f.privateKey())) return false;
        try {
            X509Certificate cert = Pem.readCertificate(f.certificate());
            ca.verify(cert, Instant.now().plus(RENEW_BEFORE));
            return Identity.of(cert).equals(id);
        } catch (CertificateException | IllegalArgumentException e) {
            return false;
        }
    }
}
