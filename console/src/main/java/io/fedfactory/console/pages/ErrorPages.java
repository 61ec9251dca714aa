package io.fedfactory.console.pages;

import io.fedfactory.console.login.CurrentSession;
import io.fedfactory.proto.errors.TypedErrors;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refusals as pages: the console's own (field and limit), and the aggregator's typed errors with
 * their gRPC code and reason (403 for a role the aggregator refused, 404 unknown, 400 bad input).
 */
public class ErrorPages {

    private static final Logger LOG = Logger.getLogger(ErrorPages.class);

    @Inject
    Views views;

    @Inject
    CurrentSession current;

    @ServerExceptionMapper
    public Response console(ConsoleError e) {
        return page(e.status(), e.field(), e.getMessage(), "");
    }

    @ServerExceptionMapper
    public Response aggregator(StatusRuntimeException e) {
        int status = switch (e.getStatus().getCode()) {
            case PERMISSION_DENIED -> 403;
            case UNAUTHENTICATED -> 401;
            case NOT_FOUND -> 404;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            default -> 502;
        };
        String field = TypedErrors.info(e).map(i -> i.getMetadataOrDefault(TypedErrors.FIELD, "")).orElse("");
        return page(status, field, e.getStatus().getCode() + " " + TypedErrors.reason(e) + ": " + e.getStatus().getDescription(),
                "the aggregator refused");
    }

    private Response page(int status, String field, String message, String source) {
        LOG.debugf("%d %s", status, message);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", status);
        data.put("field", field);
        data.put("message", message);
        data.put("source", source);
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(views.page("error", "Refused (" + status + ")", current.get(), data)).build();
    }
}
