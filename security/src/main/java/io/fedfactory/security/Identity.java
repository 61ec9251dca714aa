package io.fedfactory.security;

import java.security.cert.X509Certificate;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * A participant as its certificate names it: subject {@code CN=<name>, OU=<role>, O=fedfactory}.
 *
 * @param role what it may do
 * @param name its id within the role: the site id for sites, the service name for services
 */
public record Identity(Role role, String name) {

    /** The organization every fedfactory certificate names; a subject without it is not ours. */
    public static final String ORGANIZATION = "fedfactory";

    /** Names are ids: they appear in file names, site ids and log lines. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    public Identity {
        if (role == null) throw new IllegalArgumentException("identity role must be set");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("identity name '" + name + "' must match " + NAME.pattern()
                    + " (lower-case letters, digits, '.', '_', '-'; at most 63 characters)");
        }
    }

    public static Identity site(String siteId) {
        return new Identity(Role.SITE, siteId);
    }

    public static Identity service(String name) {
        return new Identity(Role.SERVICE, name);
    }

    /** The X.500 subject this identity's certificate carries. */
    public String subject() {
        return "CN=" + name + ",OU=" + role.unit() + ",O=" + ORGANIZATION;
    }

    /** File-name stem of this identity's credential files: {@code <role>-<name>}. */
    public String fileStem() {
        return role.unit() + "-" + name;
    }

    /**
     * The identity a verified certificate names. The certificate's chain must already have been
     * verified (by the TLS handshake or {@link CertificateAuthority#verify}); this only reads the subject.
     *
     * @throws IllegalArgumentException naming what the subject lacks
     */
    public static Identity of(X509Certificate certificate) {
        String dn = certificate.getSubjectX500Principal().getName();
        String cn = null;
        String ou = null;
        String o = null;
        try {
            for (Rdn rdn : new LdapName(dn).getRdns()) {
                String type = rdn.getType().toUpperCase(java.util.Locale.ROOT);
                String value = String.valueOf(rdn.getValue());
                switch (type) {
                    case "CN" -> cn = value;
                    case "OU" -> ou = value;
                    case "O" -> o = value;
                    default -> { }
                }
            }
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("certificate subject '" + dn + "' is not a valid X.500 name", e);
        }
        if (!ORGANIZATION.equals(o)) {
            throw new IllegalArgumentException("certificate subject '" + dn + "' must have O=" + ORGANIZATION);
        }
        if (ou == null) throw new IllegalArgumentException("certificate subject '" + dn + "' has no OU (role)");
        if (cn == null) throw new IllegalArgumentException("certificate subject '" + dn + "' has no CN (name)");
        return new Identity(Role.fromUnit(ou), cn);
    }

    @Override
    public String toString() {
        return role.unit() + ":" + name;
    }
}
