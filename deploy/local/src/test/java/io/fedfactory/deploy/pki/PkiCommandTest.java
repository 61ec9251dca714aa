package io.fedfactory.deploy.pki;

import io.fedfactory.security.CertificateAuthority;
import io.fedfactory.security.Identity;
import io.fedfactory.security.Pem;
import io.fedfactory.security.Role;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PkiCommandTest {

    static String run(Path dir, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "--dir";
        all[1] = dir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int rc = new CommandLine(new PkiCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8))).execute(all);
        assertEquals(0, rc);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void createsEveryParticipantsCertificateFromOneCaAndKeepsThemOnTheNextRun() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "pki-");
        String first = run(dir, "--sites", "site-00,hospital-b", "--auditors", "auditor,auditor-2");
        assertTrue(first.startsWith("created CA: "), first);
        assertTrue(first.contains("9 issued, 0 kept"), first);
        var ca = Pem.readCertificate(dir.resolve("ca.pem"));
        for (Identity id : new Identity[] {Identity.service("aggregator"), Identity.service("inference-svc"), Identity.service("console"),
                new Identity(Role.COORDINATOR, "coordinator"), new Identity(Role.AUDITOR, "auditor-2"),
                new Identity(Role.APPLICATION, "demo-app"), Identity.site("hospital-b")}) {
            var cert = Pem.readCertificate(dir.resolve(id.fileStem() + ".pem"));
            CertificateAuthority.verify(cert, ca, Instant.now());
            assertEquals(id, Identity.of(cert));
            assertTrue(Files.isReadable(dir.resolve(id.fileStem() + "-key.pem")), id + " key");
        }
        byte[] before = Files.readAllBytes(dir.resolve("site-hospital-b.pem"));
        String second = run(dir, "--sites", "site-00,hospital-b,site-02", "--auditors", "auditor,auditor-2");
        assertTrue(second.startsWith("existing CA: "), second);
        assertTrue(second.contains("1 issued, 9 kept"), second);
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("site-hospital-b.pem")), "a valid certificate is kept");
    }

    @Test
    void serviceHostsBecomeSubjectAlternativeNamesBesideLoopback() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "pki-");
        String first = run(dir, "--site-count", "1", "--service-hosts", "aggregator=10.200.0.2,aggregator=agg.example.org");
        assertTrue(first.contains("issued   service:aggregator"), first);
        var cert = Pem.readCertificate(dir.resolve(Identity.service("aggregator").fileStem() + ".pem"));
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (var san : cert.getSubjectAlternativeNames()) names.add(String.valueOf(san.get(1)));
        assertTrue(names.containsAll(java.util.List.of("10.200.0.2", "agg.example.org", "localhost", "127.0.0.1")), names.toString());
        CertificateAuthority.verify(cert, Pem.readCertificate(dir.resolve("ca.pem")), Instant.now());
        byte[] before = Files.readAllBytes(dir.resolve(Identity.service("aggregator").fileStem() + ".pem"));
        String second = run(dir, "--site-count", "1", "--service-hosts", "aggregator=agg.example.org");
        assertTrue(second.contains("kept     service:aggregator"), second);
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(Identity.service("aggregator").fileStem() + ".pem")));
        int rc = new CommandLine(new PkiCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .execute("--dir", dir.toString(), "--site-count", "1", "--service-hosts", "coordinator=10.0.0.1");
        assertEquals(2, rc, "only the services take host names");
    }

    @Test
    void siteCountNamesTheSitesAsTheLocalRunDoes() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "pki-");
        String out = run(dir, "--site-count", "2");
        assertTrue(out.contains("site:site-00") && out.contains("site:site-01") && !out.contains("site:site-02"), out);
    }
}
