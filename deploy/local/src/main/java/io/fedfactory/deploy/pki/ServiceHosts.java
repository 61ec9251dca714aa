package io.fedfactory.deploy.pki;

import io.fedfactory.security.Credential;
import io.fedfactory.security.Identity;
import io.fedfactory.security.PkiDirectory;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names a service is reached by on other hosts: its certificate must carry them as subject
 * alternative names, or a site dialling {@code 10.200.0.2:9081} (or {@code aggregator.fedfactory.svc})
 * refuses the handshake. Loopback names are always kept, so local runs go on working.
 */
public final class ServiceHosts {

    private static final List<String> LOOPBACK_DNS = List.of("localhost");
    private static final List<String> LOOPBACK_IPS = List.of("127.0.0.1", "::1");

    private ServiceHosts() {
    }

    /**
     * Issues {@code service}'s certificate again, by the directory's CA, when it lacks one of
     * {@code hosts} (host names or IP literals); returns whether it did.
     */
    public static boolean ensure(PkiDirectory pki, Identity service, Collection<String> hosts) throws IOException {
        Set<String> dns = new LinkedHashSet<>(LOOPBACK_DNS);
        Set<String> ips = new LinkedHashSet<>(LOOPBACK_IPS);
        for (String h : hosts) {
            if (h.isBlank()) continue;
            if (isIpLiteral(h)) ips.add(h); else dns.add(h);
        }
        Set<String> wanted = new LinkedHashSet<>(dns);
        wanted.addAll(ips);
        if (names(pki.credential(service)).containsAll(normalized(wanted))) return false;
        Credential c = pki.authority(new SecureRandom()).issue(service, Instant.now().minusSeconds(60),
                PkiDirectory.CERTIFICATE_VALIDITY, new ArrayList<>(dns), new ArrayList<>(ips));
        pki.write(service, c);
        return true;
    }

    static boolean isIpLiteral(String h) {
        return h.matches("[0-9.]+") || h.contains(":");
    }

    private static Set<String> names(Credential c) {
        Set<String> out = new LinkedHashSet<>();
        try {
            var sans = c.certificate().getSubjectAlternativeNames();
            if (sans != null) for (List<?> san : sans) out.add(normalize(String.valueOf(san.get(1))));
        } catch (CertificateParsingException e) {
            throw new IllegalStateException("cannot read the subject alternative names of " + c.certificate().getSubjectX500Principal(), e);
        }
        return out;
    }

    private static Set<String> normalized(Set<String> names) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) out.add(normalize(n));
        return out;
    }

    /** IP literals in one spelling (the JDK writes ::1 as 0:0:0:0:0:0:0:1). */
    private static String normalize(String name) {
        if (!isIpLiteral(name)) return name.toLowerCase(java.util.Locale.ROOT);
        try {
            return InetAddress.getByName(name).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + name, e);
        }
    }
}
