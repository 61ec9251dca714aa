package io.fedfactory.aggregator.transport;

import com.google.rpc.ErrorInfo;
import io.fedfactory.aggregator.events.EventPublishException;
import io.fedfactory.aggregator.federation.FederationSpecValidator;
import io.fedfactory.aggregator.federation.UnknownFederationException;
import io.fedfactory.aggregator.training.TrainingRefusedException;
import io.fedfactory.proto.errors.TypedErrors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the administration endpoint answers for each kind of failure: code, reason and metadata. */
class TypedErrorsTest {

    @Test
    void aDefectIsInternalNeverRetriable() {
        StatusRuntimeException e = answer(() -> {
            throw new NullPointerException("spec");
        });
        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode(), "a defect must not look retriable");
        assertEquals(TypedErrors.INTERNAL, TypedErrors.reason(e));
        e = answer(() -> {
            throw new IllegalStateException("a library's own state");
        });
        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    }

    @Test
    void anUnacknowledgedEventIsRetriable() {
        StatusRuntimeException e = answer(() -> {
            throw new EventPublishException("event to fedfactory.federations was not acknowledged", new TimeoutException());
        });
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertEquals("EVENT_NOT_ACKNOWLEDGED", TypedErrors.reason(e));
    }

    @Test
    void refusalsCarryTheirReasonFieldValueAndLimit() {
        StatusRuntimeException e = answer(() -> {
            FederationSpecValidator.validate(io.fedfactory.proto.v1.FederationSpec.newBuilder().setFederationId("fed-x")
                    .addLabelNames("a").addLabelNames("b").addAcceptedKindsValue(1).setSamplesPerClass(0)
                    .setImageSpec(io.fedfactory.proto.v1.ImageSpec.newBuilder().setChannels(1).setHeight(4).setWidth(4)
                            .setValueMax(1)).build());
            return null;
        });
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        ErrorInfo info = TypedErrors.info(e).orElseThrow();
        assertEquals(TypedErrors.DOMAIN, info.getDomain());
        assertEquals("INVALID_SPEC", info.getReason());
        assertEquals("spec.samples_per_class", info.getMetadataOrThrow(TypedErrors.FIELD));
        assertEquals("0", info.getMetadataOrThrow(TypedErrors.VALUE));
        assertNotNull(info.getMetadataOrDefault(TypedErrors.LIMIT, null), info.toString());

        e = answer(() -> {
            throw new UnknownFederationException("fed-nowhere");
        });
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertEquals(Map.of(TypedErrors.FIELD, "federation_id", TypedErrors.VALUE, "fed-nowhere"),
                TypedErrors.info(e).orElseThrow().getMetadataMap());

        e = answer(() -> {
            throw new TrainingRefusedException("ALREADY_TRAINING", "federation fed-x is already training");
        });
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertEquals("ALREADY_TRAINING", TypedErrors.reason(e));
        assertTrue(TypedErrors.describe(e).startsWith("FAILED_PRECONDITION ALREADY_TRAINING: "), TypedErrors.describe(e));
    }

    private static StatusRuntimeException answer(Supplier<Object> call) {
        StatusRuntimeException[] error = new StatusRuntimeException[1];
        FederationAdminService.answer(new StreamObserver<>() {
            @Override
            public void onNext(Object value) {
                throw new AssertionError("answered " + value);
            }

            @Override
            public void onError(Throwable t) {
                error[0] = (StatusRuntimeException) t;
            }

            @Override
            public void onCompleted() {
            }
        }, call);
        assertNotNull(error[0]);
        return error[0];
    }
}
