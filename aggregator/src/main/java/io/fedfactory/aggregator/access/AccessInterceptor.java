package io.fedfactory.aggregator.access;

import io.fedfactory.aggregator.audit.AuditLog;
import io.fedfactory.security.Identity;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * Every call, before the service sees it: the caller's identity from the certificate the TLS
 * handshake verified (never from the request), its request rate, its role, and what its first request
 * names (own site, enrolled federation). Refusals close the call before the service gets the request,
 * so nothing changes; administrative and refused calls are audited ({@link AuditedCall}).
 */
@ApplicationScoped
public class AccessInterceptor implements ServerInterceptor {

    private static final Logger LOG = Logger.getLogger(AccessInterceptor.class);

    @Inject
    AccessPolicy policy;

    @Inject
    RequestRates rates;

    @Inject
    AuditLog audit;

    @Inject
    TlsSettings tls;

    @Inject
    LoginDelegation delegation;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (!tls.enabled()) {
            // Plaintext mode (measuring TLS's cost): no identities, so no roles; administrative calls are still audited.
            return next.startCall(new AuditedCall<>(call, audit, CallerIdentity.describe(null), method), headers);
        }
        Identity peer;
        Identity who;
        try {
            peer = identify(call);
        } catch (AccessDeniedException e) {
            return refuse(call, "unauthenticated", method, e);
        }
        try {
            who = delegation.actingAs(peer, headers);
        } catch (AccessDeniedException e) {
            return refuse(call, peer.toString(), method, e);
        }
        AuditedCall<Q, R> audited = new AuditedCall<>(call, audit, LoginDelegation.actor(peer, who), method);
        Context context = Context.current().withValue(CallerIdentity.KEY, who);
        return new Checked<>(Contexts.interceptCall(context, audited, headers, next), audited, who, method);
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String actor, String method, AccessDeniedException e) {
        AuditedCall<Q, R> audited = new AuditedCall<>(call, audit, actor, method);
        LOG.infof("refused %s: %s", AccessPolicy.shortName(method), e.getMessage());
        e.close(audited);
        return new ServerCall.Listener<>() {
        };
    }

    private static Identity identify(ServerCall<?, ?> call) {
        SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (ssl == null) {
            throw AccessDeniedException.unauthenticated(
                    "no TLS session: the aggregator accepts only mutual TLS with a certificate of the federation's CA");
        }
        Certificate[] chain;
        try {
            chain = ssl.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw AccessDeniedException.unauthenticated("no verified client certificate: " + e.getMessage());
        }
        try {
            return Identity.of((X509Certificate) chain[0]);
        } catch (IllegalArgumentException e) {
            throw AccessDeniedException.unauthenticated(
                    "the client certificate names no fedfactory identity: " + e.getMessage());
        }
    }

    /** Checks rate, role and request on the first message, before the service sees it. */
    private final class Checked<Q> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final AuditedCall<Q, ?> call;
        private final Identity who;
        private final String method;
        private boolean checked;
        private boolean refused;

        Checked(ServerCall.Listener<Q> delegate, AuditedCall<Q, ?> call, Identity who, String method) {
            super(delegate);
            this.call = call;
            this.who = who;
            this.method = method;
        }

        @Override
        public void onMessage(Q message) {
            if (refused) return;
            if (!checked && !check(message)) return;
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (refused) return;
            if (!checked && !check(null)) return;
            super.onHalfClose();
        }

        @Override
        public void onReady() {
            if (!refused) super.onReady();
        }

        private boolean check(Q message) {
            checked = true;
            call.request(message);
            try {
                rates.take(who);
                policy.checkRole(who, method);
                if (message != null) policy.checkRequest(who, method, message);
                return true;
            } catch (AccessDeniedException e) {
                refused = true;
                LOG.infof("refused %s: %s", AccessPolicy.shortName(method), e.getMessage());
                e.close(call);
                return false;
            }
        }
    }
}
