package io.fedfactory.console.login;

import io.fedfactory.console.ConsoleSettings;
import io.fedfactory.proto.v1.LoginToken;
import io.fedfactory.security.Identity;
import io.fedfactory.login.LoginTokens;
import io.fedfactory.security.Pem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logged-in sessions, in memory (a restart logs everyone out; a token can log in again until it
 * expires). A session id is 32 random bytes in an HttpOnly, Secure, SameSite=Strict cookie.
 */
@ApplicationScoped
public class Sessions {

    public static final String COOKIE = "fedfactory_console";
    static final int MAX_SESSIONS = 10_000;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private volatile X509Certificate ca;

    @Inject
    ConsoleSettings settings;

    /** @throws LoginTokens.InvalidLoginTokenException naming the field and what is wrong */
    public Session login(String tokenText) throws LoginTokens.InvalidLoginTokenException {
        LoginToken token = LoginTokens.decode(tokenText);
        Instant now = Instant.now();
        Identity who = LoginTokens.verify(token, ca(), now);
        sessions.values().removeIf(s -> !now.isBefore(s.expiresAt()));
        if (sessions.size() >= MAX_SESSIONS) {
            throw new LoginTokens.InvalidLoginTokenException("the console holds " + MAX_SESSIONS
                    + " sessions, its limit; log out elsewhere or wait for sessions to expire");
        }
        Session s = new Session(randomId(), who, token, randomId(), Instant.parse(token.getExpiresAt()));
        sessions.put(s.id(), s);
        return s;
    }

    public Optional<Session> find(String id) {
        if (id == null) return Optional.empty();
        Session s = sessions.get(id);
        if (s == null) return Optional.empty();
        if (!Instant.now().isBefore(s.expiresAt())) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    public void logout(Session s) {
        sessions.remove(s.id());
    }

    public X509Certificate ca() {
        X509Certificate c = ca;
        if (c == null) {
            try {
                c = ca = Pem.readCertificate(settings.tls().ca());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read fedfactory.tls.ca " + settings.tls().ca()
                        + " (create the federation's certificates with deploy/pki)", e);
            }
        }
        return c;
    }

    private String randomId() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
