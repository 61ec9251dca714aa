package io.fedfactory.aggregator.transport;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the aggregator's own gRPC server listens (Quarkus' gRPC health check does not see it). */
@Readiness
@ApplicationScoped
public class GrpcReadiness implements HealthCheck {

    @Inject
    GrpcEndpoint endpoint;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("gRPC server").status(endpoint.listening())
                .withData("port", endpoint.listening() ? endpoint.port() : -1).build();
    }
}
