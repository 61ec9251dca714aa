package io.fedfactory.login;

import io.fedfactory.security.CertificateAuthority;
import io.fedfactory.security.Credential;
import io.fedfactory.security.Identity;
import io.fedfactory.security.Role;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedfactory.proto.v1.LoginToken;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginTokensTest {

    private final SecureRandom random = new SecureRandom();
    private final Instant now = Instant.now();
    private final CertificateAuthority ca = CertificateAuthority.create("ca", now.minusSeconds(5), Duration.ofDays(1), random);
    private final Identity auditor = new Identity(Role.AUDITOR, "alice");
    private final Credential alice = ca.issueLoopback(auditor, now.minusSeconds(5), Duration.ofDays(1));

    @Test
    void aTokenProvesItsSignersIdentityUntilItExpires() throws Exception {
        LoginToken token = LoginTokens.issue(alice, Duration.ofMinutes(30), now);
        LoginToken read = LoginTokens.decode(LoginTokens.encode(token));
        assertEquals(auditor, LoginTokens.verify(read, ca.certificate(), now));
        var e = assertThrows(LoginTokens.InvalidLoginTokenException.class,
                () -> LoginTokens.verify(read, ca.certificate(), now.plus(Duration.ofMinutes(31))));
        assertTrue(e.getMessage().startsWith("token expired at"), e.getMessage());
    }

    @Test
    void alteredForeignOrMalformedTokensAreRefusedNamingWhy() throws Exception {
        LoginToken token = LoginTokens.issue(alice, Duration.ofMinutes(30), now);
        LoginToken longer = token.toBuilder().setExpiresAt(now.plus(Duration.ofHours(2)).toString()).build();
        var e = assertThrows(LoginTokens.InvalidLoginTokenException.class, () -> LoginTokens.verify(longer, ca.certificate(), now));
        assertTrue(e.getMessage().contains("altered"), e.getMessage());

        CertificateAuthority other = CertificateAuthority.create("ca", now.minusSeconds(5), Duration.ofDays(1), random);
        LoginToken foreign = LoginTokens.issue(other.issueLoopback(auditor, now.minusSeconds(5), Duration.ofDays(1)),
                Duration.ofMinutes(30), now);
        e = assertThrows(LoginTokens.InvalidLoginTokenException.class, () -> LoginTokens.verify(foreign, ca.certificate(), now));
        assertTrue(e.getMessage().contains("not trusted"), e.getMessage());

        e = assertThrows(LoginTokens.InvalidLoginTokenException.class, () -> LoginTokens.decode("not a token!"));
        assertTrue(e.getMessage().startsWith("token is not a login token"), e.getMessage());
        e = assertThrows(LoginTokens.InvalidLoginTokenException.class, () -> LoginTokens.decode(" "));
        assertEquals("token is empty", e.getMessage());
        e = assertThrows(LoginTokens.InvalidLoginTokenException.class,
                () -> LoginTokens.decode("A".repeat(LoginTokens.MAX_TEXT_CHARS + 1)));
        assertTrue(e.getMessage().contains("the limit is " + LoginTokens.MAX_TEXT_CHARS), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoginTokens.issue(alice, Duration.ofHours(13), now));
    }
}
