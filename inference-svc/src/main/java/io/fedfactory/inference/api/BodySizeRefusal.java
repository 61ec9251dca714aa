package io.fedfactory.inference.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedfactory.inference.prediction.PredictionException;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * A body over {@code quarkus.http.limits.max-body-size} gets the same JSON refusal as every other one.
 * Quarkus checks that limit on a route of order -2 and answers 413 with an empty body; this route runs
 * before it (a declared Content-Length over the limit), and its failure handler gives the JSON body to
 * a 413 that Quarkus raises while reading a body sent without a length.
 */
@ApplicationScoped
public class BodySizeRefusal {

    /** Before Quarkus' own check (order -2). */
    static final int ORDER = -3;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> maxBodySize;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<String> maxBodySizeText;

    @Inject
    ObjectMapper json;

    @Inject
    PredictionErrors errors;

    void register(@Observes Router router) {
        if (maxBodySize.isEmpty()) return;
        long limit = maxBodySize.get().asLongValue();
        router.route().order(ORDER).handler(ctx -> {
            long length = contentLength(ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH));
            if (length > limit) {
                refuse(ctx, "has " + length + " bytes; at most " + limit + " (quarkus.http.limits.max-body-size)");
            } else {
                ctx.next();
            }
        });
        router.route().order(ORDER).failureHandler(ctx -> {
            if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
                refuse(ctx, "is longer than " + limit + " bytes (quarkus.http.limits.max-body-size)");
            } else {
                ctx.next();
            }
        });
    }

    private void refuse(RoutingContext ctx, String message) {
        PredictionException e = PredictionException.unreadable(413, "MAX_BODY_BYTES", "body",
                "quarkus.http.limits.max-body-size=" + maxBodySizeText.orElse(""), "body: " + message);
        errors.counted(e);
        String body;
        try {
            body = json.writeValueAsString(PredictionErrors.view(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write the refusal of a too large body", ex);
        }
        // The rest of the body is not read: the connection closes after the answer, as Quarkus' own 413 does.
        ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close").end(body);
    }

    private static long contentLength(String header) {
        if (header == null) return -1;
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
