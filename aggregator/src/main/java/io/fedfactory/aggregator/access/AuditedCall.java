package io.fedfactory.aggregator.access;

import io.fedfactory.aggregator.audit.AuditLog;
import io.fedfactory.aggregator.audit.AuditTargets;
import io.fedfactory.proto.v1.AuditRecord;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Set;

/**
 * A call whose outcome is audited when it closes, if it is administrative (whatever the outcome) or
 * was refused for who the caller is or a limit. The record is durable before the caller gets the answer.
 */
final class AuditedCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {

    private static final Logger LOG = Logger.getLogger(AuditedCall.class);

    static final Set<String> ADMINISTRATIVE = Set.of(
            FederationAdminGrpc.getCreateFederationMethod().getFullMethodName(),
            FederationAdminGrpc.getCloseFederationMethod().getFullMethodName(),
            FederationAdminGrpc.getStartTrainingMethod().getFullMethodName(),
            FederationAdminGrpc.getDeleteModulesMethod().getFullMethodName(),
            FederationAdminGrpc.getGetCertificateMethod().getFullMethodName());

    static final Set<Status.Code> REFUSALS = EnumSet.of(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED,
            Status.Code.RESOURCE_EXHAUSTED);

    private final AuditLog audit;
    private final String actor;
    private final String method;
    private Object request;
    private boolean closed;

    AuditedCall(ServerCall<Q, R> delegate, AuditLog audit, String actor, String method) {
        super(delegate);
        this.audit = audit;
        this.actor = actor;
        this.method = method;
    }

    /** The call's first request, what the record names as target. */
    void request(Object first) {
        if (request == null) request = first;
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
        if (!closed) {
            closed = true;
            if (ADMINISTRATIVE.contains(method) || REFUSALS.contains(status.getCode())) record(status);
        }
        super.close(status, trailers);
    }

    private void record(Status status) {
        AuditTargets t = AuditTargets.of(request);
        AuditRecord r = AuditRecord.newBuilder()
                .setActor(actor)
                .setAction(method)
                .setTarget(t.target())
                .setReason(t.reason())
                .setOutcome(status.isOk() ? "OK" : status.getCode().name())
                .setDetail(status.isOk() || status.getDescription() == null ? "" : status.getDescription())
                .setTime(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString())
                .build();
        try {
            audit.append(t.federationId(), r);
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not keep the audit record of %s by %s (%s)", method, r.getActor(), r.getOutcome());
        }
    }
}
