package io.fedfactory.aggregator.upload;

import io.fedfactory.proto.v1.ModuleUploadGrpc;
import io.fedfactory.proto.v1.UploadChunk;
import io.fedfactory.proto.v1.UploadOffset;
import io.fedfactory.proto.v1.UploadOffsetRequest;
import io.fedfactory.proto.v1.UploadReceipt;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * gRPC endpoint of the one-shot module upload (see proto/fedfactory/v1/upload.proto).
 *
 * <p>Every callback of a stream (each chunk, the end, a cancellation) runs on a worker thread of the
 * gRPC server ({@code GrpcEndpoint}), in order, since each one writes to disk and the last one loads the module in ONNX
 * Runtime; the event loop only moves bytes.
 */
public class ModuleUploadService extends ModuleUploadGrpc.ModuleUploadImplBase {

    private final UploadIntake intake;

    private final UploadMetrics metrics;

    /** Served by {@code GrpcEndpoint} behind the access interceptor (not a Quarkus gRPC service). */
    public ModuleUploadService(UploadIntake intake, UploadMetrics metrics) {
        this.intake = intake;
        this.metrics = metrics;
    }

    @Override
    public StreamObserver<UploadChunk> upload(StreamObserver<UploadReceipt> response) {
        return new UploadStream(intake, metrics, response);
    }

    @Override
    public void getUploadOffset(UploadOffsetRequest request, StreamObserver<UploadOffset> response) {
        UploadOffset offset;
        try {
            offset = intake.offset(request.getUploadId());
        } catch (RuntimeException e) {
            response.onError(io.fedfactory.aggregator.errors.Refusal.toStatus(e));
            return;
        }
        response.onNext(offset);
        response.onCompleted();
    }
}
