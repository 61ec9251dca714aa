package io.fedfactory.inference.security;

import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Checks the caller of every REST API call ({@code /v1/...}) from the request's TLS session. Health
 * and metrics are left to ops tooling without a certificate. A refusal is a PredictionException,
 * answered like any other refusal (status, and a body naming the role or limit).
 */
public class RestCallerCheck {

    @Inject
    CallerAccess access;

    @ServerRequestFilter
    public void check(ContainerRequestContext context, HttpServerRequest request) {
        String path = request.path();
        if (!path.startsWith("/v1/")) return;
        if (path.endsWith("/predict") || path.endsWith("/predict-batch")) {
            access.admitPrediction(request.sslSession(), "POST " + path);
        } else {
            access.admitRead(request.sslSession(), context.getMethod() + " " + path);
        }
    }
}
