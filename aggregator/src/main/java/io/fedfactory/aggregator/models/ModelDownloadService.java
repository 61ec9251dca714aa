package io.fedfactory.aggregator.models;

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
        if (request.getVersion().isEmpty()) {
            if (request.getFederationId().isEmpty()) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("version or federation_id is required").asRuntimeException());
                return;
            }
            var current = versions.current(request.getFederationId());
            if (current.isEmpty()) {
                response.onError(Status.NOT_FOUND.withDescription("federation_id '" + request.getFederationId()
                        + "' has no published, unrevoked model version").asRuntimeException());
                return;
            }
            info = current.get();
        } else {
            var v = versions.get(request.getVersion());
            if (v.isEmpty()) {
                response.onError(Status.NOT_FOUND.withDescription("no model version '" + request.getVersion() + "'").asRuntimeException());
                return;
            }
            info = v.get();
        }
        if (info.getRevoked()) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("model version " + info.getVersion()
                    + " is revoked (" + info.getRevokedReason() + ")").asRuntimeException());
            return;
        }
        byte[] bytes = versions.bytes(info);
        response.onNext(ModelChunk.newBuilder().setInfo(info).build());
        for (int off = 0; off < bytes.length; off += CHUNK) {
            int n = Math.min(CHUNK, bytes.length - off);
            response.onNext(ModelChunk.newBuilder().setOffset(off).setData(ByteString.copyFrom(bytes, off, n)).build());
        }
        response.onCompleted();
    }
}
