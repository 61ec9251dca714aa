package io.fedfactory.console.login;

import io.fedfactory.proto.v1.LoginToken;
import io.fedfactory.security.Identity;
import io.fedfactory.security.Role;

import java.time.Instant;

/**
 * A logged-in person: the identity their token proves, the token itself (forwarded on every call to
 * the aggregator), the form token that protects their forms against cross-site requests, and when the
 * session ends (the token's expiry).
 */
public record Session(String id, Identity identity, LoginToken token, String csrf, Instant expiresAt) {

    public boolean is(Role role) {
        return identity.role() == role;
    }

    /** The site id of a site, else null. */
    public String siteId() {
        return is(Role.SITE) ? identity.name() : null;
    }
}
