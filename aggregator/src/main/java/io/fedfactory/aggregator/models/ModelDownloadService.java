package io.fedfactory.aggregator.models;

import io.fedfactory.aggregator.errors.Refusal;
import io.fedfactory.proto.errors.TypedErrors;
import com.google.protobuf.ByteString;
import io.fedfactory.proto.v1.ModelChunk;
import io.fedfactory.proto.v1.ModelDownloadGrpc;
import io.fedfactory.proto.v1.ModelDownloadRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** Streams a model version's ONNX bytes, first its info (with the hash to verify), then the bytes. */
public class ModelDownloadService extends ModelDownloadGrpc.ModelDownloadImplBase {

    static final int CHUNK = 1 << 20;

    private final ModelVersions versions;

    /** Served by {@code GrpcEndpoint} behind the access interceptor (not a Quarkus gRPC service). */
    public ModelDownloadService(ModelVersions versions) {
        this.versions = versions;
    }

    @Override
    public void download(ModelDownloadRequest request, StreamObserver<ModelChunk> response) {
        ModelVersionInfo info;
        byte[] bytes;
        try {
            info = requested(request);
            bytes = versions.bytes(info);
        } catch (RuntimeException e) {
            response.onError(Refusal.toStatus(e));
            return;
        }
        response.onNext(ModelChunk.newBuilder().setInfo(info).build());
        for (int off = 0; off < bytes.length; off += CHUNK) {
            int n = Math.min(CHUNK, bytes.length - off);
            response.onNext(ModelChunk.newBuilder().setOffset(off).setData(ByteString.copyFrom(bytes, off, n)).build());
        }
        response.onCompleted();
    }

    private ModelVersionInfo requested(ModelDownloadRequest request) {
        ModelVersionInfo info;
        if (request.getVersion().isEmpty()) {
            if (request.getFederationId().isEmpty()) {
                throw new Refusal(Status.Code.INVALID_ARGUMENT, "INVALID_REQUEST", "version or federation_id is required")
                        .with(TypedErrors.FIELD, "version");
            }
            info = versions.current(request.getFederationId()).orElseThrow(() -> new Refusal(Status.Code.NOT_FOUND,
                    "NO_PUBLISHED_VERSION", "federation_id '" + request.getFederationId()
                    + "' has no published, unrevoked model version").with(TypedErrors.FIELD, "federation_id")
                    .with(TypedErrors.VALUE, request.getFederationId()));
        } else {
            info = versions.get(request.getVersion()).orElseThrow(() -> new Refusal(Status.Code.NOT_FOUND,
                    "UNKNOWN_VERSION", "no model version '" + request.getVersion() + "'")
                    .with(TypedErrors.FIELD, "version").with(TypedErrors.VALUE, request.getVersion()));
        }
        if (info.getRevoked()) {
            throw new Refusal(Status.Code.FAILED_PRECONDITION, "VERSION_REVOKED", "model version " + info.getVersion()
                    + " is revoked (" + info.getRevokedReason() + ")").with(TypedErrors.FIELD, "version")
                    .with(TypedErrors.VALUE, info.getVersion());
        }
        return info;
    }
}
