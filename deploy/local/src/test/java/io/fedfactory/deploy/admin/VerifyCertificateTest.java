package io.fedfactory.deploy.admin;

import io.fedfactory.deploy.pki.LocalIdentities;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.fedfactory.security.PkiDirectory;
import io.fedfactory.security.SignedMessages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** verify-certificate, offline, on certificates signed with the aggregator's real key from a real CA. */
class VerifyCertificateTest {

    static Path dir;
    static PkiDirectory pki;
    static UnlearningCertificate signed;

    @BeforeAll
    static void sign() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "verify-");
        pki = new PkiDirectory(dir.resolve("pki"));
        pki.ensure(LocalIdentities.of(List.of("site-03"), List.of("auditor"), List.of("demo-app")));
        signed = SignedMessages.sign(UnlearningCertificate.newBuilder().setCertificateId("cert-1").setFederationId("fed")
                .addDeletedModuleIds("a1b2c3").setReason("consent withdrawn").setRequestedBy("auditor:auditor")
                .addRevokedVersions("fed-v1").setNewVersion("fed-v2").addNewLineage("d4e5f6")
                .setWeightSha256("ab").setFromScratchWeightSha256("ab").setFromScratchMatches(true)
                .setComplete(true).build(), pki.credential(LocalIdentities.AGGREGATOR));
    }

    record Outcome(int code, String out) {
    }

    static Outcome verify(Path file) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            int rc = AdminCli.run("verify-certificate", "--certificate", file.toString(), "--ca", pki.caCertificate().toString());
            return new Outcome(rc, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void anUntouchedCertificateVerifiesFromJsonAndFromBinary() throws Exception {
        Path json = dir.resolve("cert.json");
        Path pb = dir.resolve("cert.pb");
        CertificateFiles.write(json, signed);
        CertificateFiles.write(pb, signed);
        for (Path f : List.of(json, pb)) {
            Outcome o = verify(f);
            assertEquals(0, o.code(), o.out());
            assertTrue(o.out().startsWith("OK: unlearning certificate cert-1 of federation fed is signed by service:aggregator"), o.out());
        }
    }

    @Test
    void aTamperedCertificateFailsSayingItWasAltered() throws Exception {
        Path json = dir.resolve("tampered.json");
        CertificateFiles.write(json, signed);
        // Someone edits the file to claim another module was deleted.
        Files.writeString(json, Files.readString(json).replace("\"a1b2c3\"", "\"ffffff\""));
        Outcome o = verify(json);
        assertEquals(1, o.code(), o.out());
        assertEquals("NOT VALID: the signature does not match the content: the UnlearningCertificate was altered after signing",
                o.out().trim());
    }

    @Test
    void aCertificateSignedByAnotherIdentityIsRefusedNamingIt() throws Exception {
        UnlearningCertificate bySite = SignedMessages.sign(signed, pki.credential(io.fedfactory.security.Identity.site("site-03")));
        Path pb = dir.resolve("by-site.pb");
        CertificateFiles.write(pb, bySite);
        Outcome o = verify(pb);
        assertEquals(1, o.code(), o.out());
        assertEquals("NOT VALID: signed by site:site-03, expected service:aggregator", o.out().trim());
    }

    @Test
    void anUnsignedCertificateIsNotValid() throws Exception {
        Path pb = dir.resolve("unsigned.pb");
        CertificateFiles.write(pb, signed.toBuilder().clearSignature().build());
        Outcome o = verify(pb);
        assertEquals(1, o.code(), o.out());
        assertTrue(o.out().startsWith("NOT VALID: the UnlearningCertificate is not signed"), o.out());
    }
}
