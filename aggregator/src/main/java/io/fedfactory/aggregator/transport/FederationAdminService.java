package io.fedfactory.aggregator.transport;

import io.fedfactory.proto.v1.CloseFederationRequest;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationStatus;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.ListModulesResponse;
import io.fedfactory.aggregator.federation.FederationClosedException;
import io.fedfactory.aggregator.federation.FederationConflictException;
import io.fedfactory.aggregator.federation.FederationRegistry;
import io.fedfactory.aggregator.federation.InvalidRequestException;
import io.fedfactory.aggregator.federation.InvalidSpecException;
import io.fedfactory.aggregator.federation.UnknownFederationException;
import io.fedfactory.aggregator.models.ModelVersions;
import io.fedfactory.aggregator.training.TrainingJobs;
import io.fedfactory.aggregator.unlearning.Unlearning;
import io.fedfactory.aggregator.unlearning.UnknownModuleException;
import io.fedfactory.proto.v1.DeleteModulesRequest;
import io.fedfactory.proto.v1.DeleteModulesResponse;
import io.fedfactory.proto.v1.GetCertificateRequest;
import io.fedfactory.proto.v1.ListModelVersionsRequest;
import io.fedfactory.proto.v1.ListModelVersionsResponse;
import io.fedfactory.proto.v1.SiteMetricsAck;
import io.fedfactory.proto.v1.SiteMetricsReport;
import io.fedfactory.proto.v1.StartTrainingRequest;
import io.fedfactory.proto.v1.StartTrainingResponse;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.fedfactory.aggregator.access.CallerIdentity;
import io.fedfactory.security.Identity;
import io.fedfactory.aggregator.errors.Refusal;
import io.fedfactory.proto.errors.TypedErrors;
import io.grpc.stub.StreamObserver;

import java.util.function.Supplier;

/** gRPC administration endpoint of the coordinator and auditors (roles: {@code AccessPolicy}). */
public class FederationAdminService extends FederationAdminGrpc.FederationAdminImplBase {

    private final FederationRegistry registry;

    private final TrainingJobs jobs;

    private final Unlearning unlearning;

    private final ModelVersions versions;

    /** Served by {@code GrpcEndpoint} behind the access interceptor (not a Quarkus gRPC service). */
    public FederationAdminService(FederationRegistry registry, TrainingJobs jobs, Unlearning unlearning, ModelVersions versions) {
        this.registry = registry;
        this.jobs = jobs;
        this.unlearning = unlearning;
        this.versions = versions;
    }

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

    @Override
    public void startTraining(StartTrainingRequest request, StreamObserver<StartTrainingResponse> response) {
        answer(response, () -> StartTrainingResponse.newBuilder().setJobId(jobs.start(request.getFederationId())).build());
    }

    @Override
    public void deleteModules(DeleteModulesRequest request, StreamObserver<DeleteModulesResponse> response) {
        // Who orders a deletion is the verified caller, not what the request says (the access policy
        // refuses a requested_by naming someone else).
        Identity caller = CallerIdentity.current();
        DeleteModulesRequest r = caller == null ? request : request.toBuilder().setRequestedBy(caller.toString()).build();
        answer(response, () -> unlearning.delete(r));
    }

    @Override
    public void getCertificate(GetCertificateRequest request, StreamObserver<UnlearningCertificate> response) {
        answer(response, () -> unlearning.certificate(request.getCertificateId()).orElseThrow(
                () -> new UnknownModuleException("UNKNOWN_CERTIFICATE", "no certificate with certificate_id '"
                        + request.getCertificateId() + "'").with(TypedErrors.FIELD, "certificate_id")
                        .with(TypedErrors.VALUE, request.getCertificateId())));
    }

    @Override
    public void listModelVersions(ListModelVersionsRequest request, StreamObserver<ListModelVersionsResponse> response) {
        answer(response, () -> {
            registry.get(request.getFederationId());
            return ListModelVersionsResponse.newBuilder().addAllVersions(versions.list(request.getFederationId())).build();
        });
    }

    @Override
    public void reportSiteMetrics(SiteMetricsReport request, StreamObserver<SiteMetricsAck> response) {
        answer(response, () -> {
            registry.reportSiteMetrics(request);
            return SiteMetricsAck.newBuilder().setAccepted(true).build();
        });
    }

    /** Answers with the call's value, or with its typed error ({@link Refusal#toStatus(RuntimeException)}). */
    static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (RuntimeException e) {
            response.onError(Refusal.toStatus(e));
            return;
        }
        response.onNext(value);
        response.onCompleted();
    }
}
