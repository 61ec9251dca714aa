package io.fedfactory.aggregator.federation;

import io.fedfactory.proto.v1.CloseFederationRequest;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationStatus;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.ListModulesResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;

import java.util.function.Supplier;

/** gRPC administration endpoint of the coordinator and auditors. */
@GrpcService
@Blocking
public class FederationAdminService extends FederationAdminGrpc.FederationAdminImplBase {

    @Inject
    FederationRegistry registry;

    @Override
    public void createFederation(CreateFederationRequest request, StreamObserver<FederationStatus> response) {
        answer(response, () -> registry.create(request.getSpec()));
    }

    @Override
    public void closeFederation(CloseFederationRequest request, StreamObserver<FederationStatus> response) {
        answer(response, () -> registry.close(request.getFederationId(), "manual"));
    }

    @Override
    public void getFederationStatus(FederationStatusRequest request, StreamObserver<FederationStatus> response) {
        answer(response, () -> registry.status(request.getFederationId()));
    }

    @Override
    public void listModules(ListModulesRequest request, StreamObserver<ListModulesResponse> response) {
        answer(response, () -> ListModulesResponse.newBuilder()
                .addAllModules(registry.modules(request.getFederationId(), request.getSiteId(), request.getIncludeDeleted()))
                .build());
    }

    /** Maps domain errors to gRPC status codes with their messages. */
    static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (InvalidSpecException | InvalidRequestException e) {
            response.onError(error(Status.INVALID_ARGUMENT, e));
            return;
        } catch (UnknownFederationException e) {
            response.onError(error(Status.NOT_FOUND, e));
            return;
        } catch (FederationConflictException e) {
            response.onError(error(Status.ALREADY_EXISTS, e));
            return;
        } catch (FederationClosedException e) {
            response.onError(error(Status.FAILED_PRECONDITION, e));
            return;
        } catch (RuntimeException e) {
            response.onError(error(Status.UNAVAILABLE, e));
            return;
        }
        response.onNext(value);
        response.onCompleted();
    }

    private static StatusRuntimeException error(Status status, Exception e) {
        return status.withDescription(e.getMessage()).asRuntimeException();
    }
}
