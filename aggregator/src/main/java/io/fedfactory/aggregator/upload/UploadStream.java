package io.fedfactory.aggregator.upload;

import io.fedfactory.aggregator.errors.Refusal;
import io.grpc.StatusRuntimeException;
import io.fedfactory.aggregator.events.EventPublishException;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.UploadChunk;
import io.fedfactory.proto.v1.UploadReceipt;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.jboss.logging.Logger;

/**
 * The server side of one Upload stream. gRPC delivers its callbacks one at a time, in order, on a
 * worker thread of the gRPC server, and asks the client for the next chunk only after a callback
 * returns, so at most one chunk per stream is in memory while the rest waits under HTTP/2 flow control.
 */
final class UploadStream implements StreamObserver<UploadChunk> {

    private static final Logger LOG = Logger.getLogger(UploadStream.class);

    private final UploadIntake intake;
    private final UploadMetrics metrics;
    private final StreamObserver<UploadReceipt> response;
    // Callbacks never overlap, but successive ones may run on different worker threads.
    private volatile ReceivingUpload upload;
    private volatile boolean done;

    UploadStream(UploadIntake intake, UploadMetrics metrics, StreamObserver<UploadReceipt> response) {
        this.intake = intake;
        this.metrics = metrics;
        this.response = response;
    }

    @Override
    public void onNext(UploadChunk chunk) {
        if (done) return;
        try {
            if (upload == null) {
                if (!chunk.hasHeader()) {
                    throw UploadRefusedException.invalid("header", "the first chunk of an upload must carry header")
                            .with(TypedErrors.FIELD, "header");
                }
                UploadIntake.Start start = intake.begin(chunk.getHeader());
                if (start.receipt() != null) {
                    answer(start.receipt());
                    return;
                }
                upload = start.upload();
            } else if (chunk.hasHeader()) {
                throw UploadRefusedException.invalid("header", "header must be sent in the first chunk only; the chunk at offset "
                        + chunk.getOffset() + " carries one").with(TypedErrors.FIELD, "header").with(TypedErrors.VALUE, chunk.getOffset());
            }
            upload.append(chunk.getOffset(), chunk.getData());
            metrics.received(chunk.getData().size());
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void onError(Throwable t) {
        // The client cancelled or the connection dropped: keep what arrived for a resumption.
        if (done) return;
        done = true;
        metrics.interrupted();
        if (upload != null) intake.suspend(upload);
        LOG.debugf("upload stream ended early: %s", t.getMessage());
    }

    @Override
    public void onCompleted() {
        if (done) return;
        try {
            if (upload == null) {
                throw UploadRefusedException.invalid("header", "the upload stream carried no chunk; the first chunk must carry header")
                        .with(TypedErrors.FIELD, "header");
            }
            ReceivingUpload finishing = upload;
            upload = null; // finish() releases the upload whatever happens
            answer(intake.finish(finishing));
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void answer(UploadReceipt receipt) {
        done = true;
        response.onNext(receipt);
        response.onCompleted();
    }

    private void fail(RuntimeException e) {
        done = true;
        if (e instanceof UploadRefusedException r) {
            metrics.refused(r.tag());
        }
        // Refusals as themselves, an unacknowledged event as UNAVAILABLE (retry for the receipt), else INTERNAL.
        StatusRuntimeException status = Refusal.toStatus(e);
        if (upload != null) {
            try {
                intake.suspend(upload);
            } catch (RuntimeException suspendFailure) {
                LOG.errorf(suspendFailure, "could not keep the partial bytes of upload %s", upload.uploadId());
            }
            upload = null;
        }
        response.onError(status);
    }
}
