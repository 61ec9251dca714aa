package io.fedfactory.deploy.local;

import io.fedfactory.deploy.pki.LocalIdentities;
import io.fedfactory.deploy.tls.ClientTls;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.fedfactory.security.Identity;
import io.fedfactory.security.Pem;
import io.fedfactory.security.PkiDirectory;
import io.fedfactory.security.SignedMessages;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The local run's TLS: the federation's PKI (made on first run, kept afterwards, as deploy/pki does)
 * and who connects with which credential; or plaintext everywhere with --plaintext.
 */
final class LocalTls {

    private final PkiDirectory pki;

    private LocalTls(PkiDirectory pki) {
        this.pki = pki;
    }

    static LocalTls plaintext(SiteRuns.Say say) {
        say.say("PLAINTEXT: no TLS and no credentials on any connection (--plaintext)");
        return new LocalTls(null);
    }

    /** Makes sure every participant of this run has a certificate in {@code dir}. */
    static LocalTls ensure(Path dir, List<String> siteIds, SiteRuns.Say say) throws IOException {
        PkiDirectory pki = new PkiDirectory(dir);
        boolean hadCa = pki.hasAuthority();
        List<Identity> all = LocalIdentities.of(siteIds, List.of(LocalIdentities.AUDITOR.name()),
                List.of(LocalIdentities.APPLICATION.name()));
        List<Identity> issued = pki.ensure(all);
        say.say("certificates in %s: CA %s, %d issued now, %d kept (deploy/pki makes the same files)", dir,
                hadCa ? "kept" : "created", issued.size(), all.size() - issued.size());
        return new LocalTls(pki);
    }

    /**
     * Issues {@code service}'s certificate again with {@code hosts} (addresses or names it is reached by
     * on other hosts) as subject alternative names, next to the loopback ones, as
     * {@code deploy/pki --service-hosts} does; returns whether it did.
     */
    boolean serviceHosts(Identity service, List<String> hosts) throws IOException {
        return enabled() && io.fedfactory.deploy.pki.ServiceHosts.ensure(pki, service, hosts);
    }

    boolean enabled() {
        return pki != null;
    }

    ServiceTls service(Identity identity) {
        return enabled() ? ServiceTls.of(pki.files(identity)) : ServiceTls.plaintext();
    }

    ClientTls client(Identity identity) {
        return enabled() ? ClientTls.of(pki.files(identity)) : ClientTls.plaintext();
    }

    String describe(Identity identity) {
        return enabled() ? identity + " over mutual TLS" : "an unauthenticated plaintext caller";
    }

    /** A client node's arguments plus how it connects: its certificates' folder, or --plaintext. */
    List<String> siteArgs(List<String> args) {
        List<String> all = new ArrayList<>(args);
        if (enabled()) {
            all.add("--tls-dir");
            all.add(pki.dir().toString());
        } else {
            all.add("--plaintext");
        }
        return all;
    }

    String caDescription() {
        return enabled() ? pki.caCertificate().toString() : "(no CA: --plaintext)";
    }

    /** The verdict of the offline check a third party would make: OK, or NOT VALID and why. */
    String verifyOffline(UnlearningCertificate cert) {
        if (!enabled()) return "not checked (--plaintext: no CA)";
        try {
            SignedMessages.verify(cert, Pem.readCertificate(pki.caCertificate()), LocalIdentities.AGGREGATOR, Instant.now());
            return "OK: signed by " + LocalIdentities.AGGREGATOR + ", unaltered";
        } catch (SignedMessages.SignatureException | IOException e) {
            return "NOT VALID: " + e.getMessage();
        }
    }
}
