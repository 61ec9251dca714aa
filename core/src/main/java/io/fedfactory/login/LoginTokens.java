package io.fedfactory.login;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fedfactory.proto.v1.LoginToken;
import io.fedfactory.security.Credential;
import io.fedfactory.security.Identity;
import io.fedfactory.security.Pem;
import io.fedfactory.security.SignedMessages;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A participant's short-lived login to the console: a {@link LoginToken} signed with the participant's
 * own key, so that whoever checks it (the console at login, the aggregator on every forwarded call)
 * needs only the federation's CA and learns the identity from the certificate, as mutual TLS does.
 */
public final class LoginTokens {

    public static final String AUDIENCE = "fedfactory-console";
    public static final Duration MIN_TTL = Duration.ofMinutes(1);
    public static final Duration MAX_TTL = Duration.ofHours(12);
    /** Tolerated clock difference between the issuer and the checker. */
    static final Duration SKEW = Duration.ofMinutes(2);
    /** A token's text is never longer than this (a certificate and a signature fit in a fraction). */
    public static final int MAX_TEXT_CHARS = 16_384;

    private static final SecureRandom RANDOM = new SecureRandom();

    private LoginTokens() {
    }

    /** A token of {@code who} valid from {@code now} for {@code ttl} ({@link #MIN_TTL} to {@link #MAX_TTL}). */
    public static LoginToken issue(Credential who, Duration ttl, Instant now) {
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be in [" + MIN_TTL + ", " + MAX_TTL + "], got " + ttl);
        }
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        Instant from = now.truncatedTo(ChronoUnit.SECONDS);
        LoginToken unsigned = LoginToken.newBuilder().setAudience(AUDIENCE).setIssuedAt(from.toString())
                .setExpiresAt(from.plus(ttl).toString()).setNonce(HexFormat.of().formatHex(nonce)).build();
        return SignedMessages.sign(unsigned, who);
    }

    /** The text a person pastes into the login page: the serialized token, base64url without padding. */
    public static String encode(LoginToken token) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token.toByteArray());
    }

    /** @throws InvalidLoginTokenException naming the field {@code token} and what is wrong with the text */
    public static LoginToken decode(String text) throws InvalidLoginTokenException {
        if (text == null || text.isBlank()) throw new InvalidLoginTokenException("token is empty");
        String t = text.strip();
        if (t.length() > MAX_TEXT_CHARS) {
            throw new InvalidLoginTokenException("token is " + t.length() + " characters; the limit is " + MAX_TEXT_CHARS);
        }
        try {
            return LoginToken.parseFrom(Base64.getUrlDecoder().decode(t));
        } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
            throw new InvalidLoginTokenException("token is not a login token (base64url of a fedfactory.v1.LoginToken): "
                    + e.getMessage());
        }
    }

    /**
     * The identity a token proves at {@code now}: signed by a certificate of {@code ca} that names a
     * fedfactory identity, for this audience, issued no later than now and not yet expired, lasting at
     * most {@link #MAX_TTL}.
     *
     * @throws InvalidLoginTokenException saying which of these failed
     */
    public static Identity verify(LoginToken token, X509Certificate ca, Instant now) throws InvalidLoginTokenException {
        if (!AUDIENCE.equals(token.getAudience())) {
            throw new InvalidLoginTokenException("token.audience must be '" + AUDIENCE + "', got '" + token.getAudience() + "'");
        }
        Instant issued = time(token.getIssuedAt(), "token.issued_at");
        Instant expires = time(token.getExpiresAt(), "token.expires_at");
        if (Duration.between(issued, expires).compareTo(MAX_TTL) > 0 || expires.isBefore(issued)) {
            throw new InvalidLoginTokenException("token lasts from " + issued + " to " + expires + "; the limit is " + MAX_TTL);
        }
        if (issued.isAfter(now.plus(SKEW))) throw new InvalidLoginTokenException("token is issued in the future: " + issued);
        if (!now.isBefore(expires)) throw new InvalidLoginTokenException("token expired at " + expires + "; issue a new one");
        Identity who;
        try {
            who = Identity.of(Pem.parseCertificate(token.getSignerCertificatePem(), "token.signer_certificate_pem"));
        } catch (IllegalArgumentException e) {
            throw new InvalidLoginTokenException("token.signer_certificate_pem: " + e.getMessage());
        }
        try {
            SignedMessages.verify(token, ca, who, now);
        } catch (SignedMessages.SignatureException e) {
            throw new InvalidLoginTokenException("token: " + e.getMessage());
        }
        return who;
    }

    private static Instant time(String text, String field) throws InvalidLoginTokenException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidLoginTokenException(field + " must be an RFC 3339 time, got '" + text + "'");
        }
    }

    /** A token that does not prove an identity; the message names the field and the rule. */
    public static final class InvalidLoginTokenException extends Exception {
        public InvalidLoginTokenException(String message) {
            super(message);
        }
    }
}
