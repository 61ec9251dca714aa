package io.fedfactory.aggregator.access;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fedfactory.proto.v1.LoginToken;
import io.fedfactory.security.Identity;
import io.fedfactory.login.LoginTokens;
import io.fedfactory.security.Pem;
import io.fedfactory.security.Role;
import io.grpc.Metadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * The console acts for a person: it forwards the login token the person signed with their own key
 * (metadata {@link #HEADER}), and the call is then checked and audited as that person. Only the
 * console's own certificate may forward a token, and the aggregator checks the token itself (signature,
 * chain to the federation's CA, times), so the console cannot act for anyone who has not logged in.
 */
@ApplicationScoped
public class LoginDelegation {

    public static final Metadata.Key<byte[]> HEADER = Metadata.Key.of("fedfactory-login-token-bin", Metadata.BINARY_BYTE_MARSHALLER);
    public static final Identity CONSOLE = Identity.service("console");
    static final Set<Role> PEOPLE = EnumSet.of(Role.COORDINATOR, Role.AUDITOR, Role.SITE);

    @Inject
    TlsSettings tls;

    private volatile X509Certificate ca;

    /**
     * The identity a call acts as: the peer's, or with a token, the token's.
     *
     * @throws AccessDeniedException when a peer other than the console forwards a token, or the token proves nothing
     */
    Identity actingAs(Identity peer, Metadata headers) {
        byte[] raw = headers.get(HEADER);
        if (raw == null) return peer;
        if (!peer.equals(CONSOLE)) {
            throw AccessDeniedException.denied(peer + " may not forward a login token (" + HEADER.name() + "): only "
                    + CONSOLE + " may");
        }
        Identity who;
        try {
            who = LoginTokens.verify(LoginToken.parseFrom(raw), ca(), Instant.now());
        } catch (InvalidProtocolBufferException e) {
            throw AccessDeniedException.unauthenticated(HEADER.name() + " is not a serialized LoginToken: " + e.getMessage());
        } catch (LoginTokens.InvalidLoginTokenException e) {
            throw AccessDeniedException.unauthenticated(e.getMessage());
        }
        if (!PEOPLE.contains(who.role())) {
            throw AccessDeniedException.denied("a login token of " + who + " is refused: only coordinator, auditor or site "
                    + "tokens act through the console");
        }
        return who;
    }

    /** How the audit trail names a caller acting through the console. */
    static String actor(Identity peer, Identity actingAs) {
        return peer.equals(actingAs) ? peer.toString() : actingAs + " via " + peer;
    }

    private X509Certificate ca() {
        X509Certificate c = ca;
        if (c == null) {
            try {
                c = ca = Pem.readCertificate(tls.ca());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read fedfactory.tls.ca " + tls.ca(), e);
            }
        }
        return c;
    }
}
