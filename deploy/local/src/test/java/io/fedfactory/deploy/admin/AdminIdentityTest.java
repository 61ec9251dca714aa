package io.fedfactory.deploy.admin;

import io.fedfactory.deploy.pki.LocalIdentities;
import io.fedfactory.security.Identity;
import io.fedfactory.security.PkiDirectory;
import io.fedfactory.security.Role;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which certificate each admin command presents. */
class AdminIdentityTest {

    static AdminCli parse(String... args) {
        AdminCli cli = new AdminCli();
        new CommandLine(cli).parseArgs(args);
        return cli;
    }

    @Test
    void eachCommandUsesItsRoleUnlessAnotherIdentityIsAskedFor() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "admin-");
        new PkiDirectory(dir).ensure(LocalIdentities.of(List.of(), List.of("auditor", "auditor-2"), List.of()));
        AdminCli plain = parse("--tls-dir", dir.toString(), "status", "--id", "f");
        assertEquals(AdminCli.COORDINATOR, plain.tls(AdminCli.COORDINATOR).identity());
        assertEquals(AdminCli.AUDITOR, plain.tls(AdminCli.AUDITOR).identity());
        AdminCli as = parse("--tls-dir", dir.toString(), "--as", "auditor:auditor-2", "delete", "--id", "f", "--site", "s",
                "--reason", "r");
        assertEquals(new Identity(Role.AUDITOR, "auditor-2"), as.tls(AdminCli.AUDITOR).identity());
        AdminCli files = parse("--tls-dir", dir.toString(), "--certificate", dir.resolve("auditor-auditor.pem").toString(),
                "--private-key", dir.resolve("auditor-auditor-key.pem").toString(), "train", "--id", "f");
        assertEquals(AdminCli.AUDITOR, files.tls(AdminCli.COORDINATOR).identity());
        assertFalse(parse("--plaintext", "status", "--id", "f").tls(AdminCli.COORDINATOR).enabled());
    }

    @Test
    void aMissingCredentialIsNamedWithWhereToGetIt() {
        AdminCli cli = parse("--tls-dir", "target/no-such-pki", "--as", "auditor:nobody", "status", "--id", "f");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cli.tls(AdminCli.COORDINATOR));
        assertTrue(e.getMessage().contains("auditor-nobody.pem") && e.getMessage().contains("deploy/pki"), e.getMessage());
        assertThrows(CommandLine.ParameterException.class,
                () -> parse("--as", "king:me", "status", "--id", "f").tls(AdminCli.COORDINATOR));
    }
}
