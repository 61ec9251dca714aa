package io.fedfactory.security;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void issuesEachIdentityOnceAndReadsItBack() throws Exception {
        PkiDirectory pki = new PkiDirectory(dir);
        List<Identity> ids = List.of(Identity.site("site-01"), new Identity(Role.COORDINATOR, "coordinator"),
                Identity.service("aggregator"));
        assertEquals(ids, pki.ensure(ids));
        assertEquals(List.of(), pki.ensure(ids), "second run must reuse the valid certificates");

        Credential site = pki.credential(Identity.site("site-01"));
        assertEquals(Identity.site("site-01"), site.identity());
        X509Certificate ca = Pem.readCertificate(pki.caCertificate());
        CertificateAuthority.verify(site.certificate(), ca, Instant.now());
        assertTrue(site.certificate().getSubjectAlternativeNames().toString().contains("127.0.0.1"));
        assertEquals(-1, site.certificate().getBasicConstraints(), "issued certificates are not CAs");
    }

    @Test
    void refusesAnotherAuthoritysCertificate() throws Exception {
        SecureRandom r = new SecureRandom();
        CertificateAuthority ours = CertificateAuthority.create("ours", Instant.now(), Duration.ofDays(1), r);
        CertificateAuthority theirs = CertificateAuthority.create("theirs", Instant.now(), Duration.ofDays(1), r);
        Credential foreign = theirs.issueLoopback(Identity.site("site-01"), Instant.now(), Duration.ofDays(1));
        CertificateException e = assertThrows(CertificateException.class,
                () -> ours.verify(foreign.certificate(), Instant.now()));
        assertTrue(e.getMessage().contains("not by the trusted CA"), e.getMessage());

        // Same subject name, different key: the signature check must catch it.
        CertificateAuthority impostor = CertificateAuthority.create("ours", Instant.now(), Duration.ofDays(1), r);
        Credential forged = impostor.issueLoopback(Identity.site("site-01"), Instant.now(), Duration.ofDays(1));
        e = assertThrows(CertificateException.class, () -> ours.verify(forged.certificate(), Instant.now()));
        assertTrue(e.getMessage().contains("valid signature"), e.getMessage());
    }

    @Test
    void expiredCertificateIsRefusedAndRenewed() throws Exception {
        PkiDirectory pki = new PkiDirectory(dir);
        CertificateAuthority ca = pki.authority(new SecureRandom());
        Identity id = Identity.site("site-02");
        pki.write(id, ca.issueLoopback(id, Instant.now().minus(Duration.ofDays(3)), Duration.ofDays(1)));
        assertThrows(CertificateExpiredException.class,
                () -> ca.verify(pki.credential(id).certificate(), Instant.now()));
        assertEquals(List.of(id), pki.ensure(List.of(id)), "an expired certificate is issued again");
        ca.verify(pki.credential(id).certificate(), Instant.now());
    }

    @Test
    void signaturesDetectTampering() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("ca", Instant.now(), Duration.ofDays(1), new SecureRandom());
        Credential agg = ca.issueLoopback(Identity.service("aggregator"), Instant.now(), Duration.ofDays(1));
        byte[] data = "certificate body".getBytes();
        byte[] sig = Signatures.sign(agg.privateKey(), data);
        assertTrue(Signatures.verify(agg.certificate(), data, sig));
        byte[] tampered = data.clone();
        tampered[0] ^= 1;
        assertFalse(Signatures.verify(agg.certificate(), tampered, sig));
        assertFalse(Signatures.verify(agg.certificate(), data, new byte[] {1, 2, 3}));
    }

    @Test
    void subjectsAndNamesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> Identity.site("Site A"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Role.fromUnit("admin"));
        assertTrue(e.getMessage().contains("coordinator"), e.getMessage());
        assertEquals("CN=site-01,OU=site,O=fedfactory", Identity.site("site-01").subject());
    }

    @Test
    void missingFilesAreNamed() {
        CredentialFiles f = new PkiDirectory(dir).files(Identity.site("site-09"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, f::requireReadable);
        assertTrue(e.getMessage().contains("site-site-09.pem"), e.getMessage());
        assertFalse(Files.exists(f.certificate()));
    }
}
