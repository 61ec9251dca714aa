package io.fedfactory.inference.security;

import io.fedfactory.inference.prediction.PredictionException;
import io.fedfactory.inference.serving.ServingSettings;
import io.fedfactory.security.Identity;
import io.fedfactory.security.RequestRate;
import io.fedfactory.security.Role;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who may call the API, decided on every call from the peer certificate the TLS handshake verified
 * against the federation's CA (both transports request it). Predictions need role APPLICATION or
 * SERVICE; reading the catalog needs any fedfactory identity. With
 * {@code fedfactory.inference.require-application-credential=false} nothing is checked (TLS still
 * protects the connection). Each admitted caller is also held to its request rate.
 */
@ApplicationScoped
public class CallerAccess {

    private static final Logger LOG = Logger.getLogger(CallerAccess.class);
    static final Set<Role> PREDICTION_ROLES = EnumSet.of(Role.APPLICATION, Role.SERVICE);
    /** Where a TLS session keeps the identity read from its peer certificate. */
    static final String IDENTITY_KEY = "io.fedfactory.identity";

    @Inject
    ServingSettings settings;

    private boolean tlsEnabled;
    private RequestRate rate;

    @PostConstruct
    void init() {
        tlsEnabled = ServiceTls.from(n -> ConfigProvider.getConfig().getOptionalValue(n, String.class).orElse(null))
                .enabled();
        double perSecond = settings.requestsPerSecond();
        // Zero or less: unlimited. Otherwise bursts of up to one second's worth.
        rate = perSecond > 0 ? new RequestRate(perSecond, (int) Math.max(1, Math.ceil(perSecond))) : null;
        if (!settings.requireApplicationCredential()) {
            LOG.warn("fedfactory.inference.require-application-credential=false: predictions are served to any caller");
        } else if (!tlsEnabled) {
            LOG.warn("fedfactory.tls.enabled=false while require-application-credential=true: no caller can present "
                    + "a credential, so every API call is refused");
        }
    }

    /**
     * Admits a prediction call ({@code method} names it in refusals).
     *
     * @return the caller, or null when credentials are not required
     * @throws PredictionException UNAUTHENTICATED, PERMISSION_DENIED or RESOURCE_EXHAUSTED, saying why
     */
    public Identity admitPrediction(SSLSession session, String method) {
        return admit(session, method, PREDICTION_ROLES);
    }

    /** Admits a read of the catalog: any fedfactory identity. */
    public Identity admitRead(SSLSession session, String method) {
        return admit(session, method, EnumSet.allOf(Role.class));
    }

    private Identity admit(SSLSession session, String method, Set<Role> allowed) {
        if (!settings.requireApplicationCredential()) return null;
        Identity caller = identity(session, method);
        if (!allowed.contains(caller.role())) {
            String roles = String.join(" or ", allowed.stream().map(Role::unit).toList());
            throw PredictionException.denied("role", roles, caller + " may not call " + method + ": requires role " + roles);
        }
        if (rate != null && !rate.tryAcquire(caller)) {
            throw PredictionException.rateLimited("fedfactory.inference.requests-per-second=" + settings.requestsPerSecond(),
                    caller + " exceeded " + settings.requestsPerSecond()
                    + " requests per second (fedfactory.inference.requests-per-second)");
        }
        return caller;
    }

    private Identity identity(SSLSession session, String method) {
        if (!tlsEnabled || session == null) {
            throw PredictionException.unauthenticated(method + " requires a client certificate over TLS"
                    + (tlsEnabled ? "" : " (this service runs with fedfactory.tls.enabled=false)"));
        }
        // The handshake verified the chain once per connection: its identity is kept with the TLS session, so a
        // call on a known connection does not parse the certificate again.
        if (session.getValue(IDENTITY_KEY) instanceof Identity known) return known;
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw PredictionException.unauthenticated(method + " requires a client certificate issued by the "
                    + "federation's CA; the connection presented none");
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
            throw PredictionException.unauthenticated(method + ": the client certificate is not an X.509 certificate");
        }
        try {
            Identity caller = Identity.of(cert);
            session.putValue(IDENTITY_KEY, caller);
            return caller;
        } catch (IllegalArgumentException e) {
            throw PredictionException.denied("", "", method + ": " + e.getMessage());
        }
    }
}
