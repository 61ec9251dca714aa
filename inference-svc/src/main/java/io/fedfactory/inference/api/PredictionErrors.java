package io.fedfactory.inference.api;

import io.fedfactory.inference.prediction.PredictionException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** REST form of a refused prediction: the status, and a body naming the field and the limit. */
@jakarta.inject.Singleton
public class PredictionErrors {

    /**
     * The JSON body of a refusal; {@code code} is the gRPC status the same refusal has over gRPC,
     * {@code reason} the check or the limit (as in the gRPC ErrorInfo), {@code limit} the limit at fault.
     */
    public record ErrorView(String error, String field, String code, String reason, String limit) {
    }

    @Inject
    MeterRegistry meters;

    @ServerExceptionMapper
    public Response map(PredictionException e) {
        counted(e);
        Response.ResponseBuilder r = Response.status(e.httpStatus()).type(MediaType.APPLICATION_JSON).entity(view(e));
        if (e.httpStatus() == 503) {
            r.header("Retry-After", "1");
        }
        return r.build();
    }

    /** The JSON body of {@code e}. */
    static ErrorView view(PredictionException e) {
        return new ErrorView(e.getMessage(), e.field(), e.grpcCode().name(), e.reason(), e.limit());
    }

    /** Counts a REST refusal in fedfactory_prediction_refusals_total. */
    void counted(PredictionException e) {
        meters.counter("fedfactory_prediction_refusals_total", "transport", "rest",
                "code", e.grpcCode().name().toLowerCase()).increment();
    }

    /** A media type no endpoint takes: the same JSON body as every other refusal, not an empty 415. */
    @ServerExceptionMapper
    public Response unsupported(jakarta.ws.rs.NotSupportedException e) {
        return map(PredictionException.unreadable(415, "MEDIA_TYPE", "Content-Type", "image/png or application/json",
                "Content-Type: this endpoint takes image/png or application/json"));
    }
}
