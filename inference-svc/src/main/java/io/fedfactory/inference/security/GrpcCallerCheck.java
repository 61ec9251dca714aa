package io.fedfactory.inference.security;

import io.fedfactory.inference.prediction.PredictionException;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Checks the caller of every gRPC call from the TLS session of its connection (the certificate the
 * handshake verified), before the call reaches a service.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcCallerCheck implements ServerInterceptor {

    @Inject
    CallerAccess access;

    @Inject
    MeterRegistry meters;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        try {
            access.admitPrediction(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION),
                    call.getMethodDescriptor().getBareMethodName());
        } catch (PredictionException e) {
            meters.counter("fedfactory_prediction_refusals_total", "transport", "grpc",
                    "code", e.grpcCode().name().toLowerCase()).increment();
            io.grpc.StatusRuntimeException typed = e.toStatus();
            call.close(typed.getStatus(), typed.getTrailers() == null ? new Metadata() : typed.getTrailers());
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }
}
