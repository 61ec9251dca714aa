package io.fedfactory.deploy.local;

import io.fedfactory.deploy.tls.ClientTls;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.ImageInput;
import io.fedfactory.proto.v1.InferenceGrpc;
import io.fedfactory.proto.v1.PredictRequest;
import io.fedfactory.proto.v1.RawTensor;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An application asking the inference service for predictions all through a trial (a restart of the
 * service included): every answer is kept with the moment its request was sent and the version that
 * answered, so the checker can tell whether a revoked version answered after its revocation.
 */
final class InferenceProbe implements AutoCloseable {

    /** One answer: when its request was sent (epoch ms) and which version answered ("" for a refusal). */
    record Answer(long sentMillis, String version, String refusal) {
    }

    private final ManagedChannel channel;
    private final String federation;
    private final int side;
    private final List<Answer> answers = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    InferenceProbe(ClientTls application, int port, String federation) {
        this(application, "127.0.0.1", port, federation, 8);
    }

    /** Asks the service at {@code host:port}, with blank {@code side} x {@code side} one-channel images. */
    InferenceProbe(ClientTls application, String host, int port, String federation, int side) {
        this.channel = application.channel(host, port, 8 << 20);
        this.federation = federation;
        this.side = side;
        this.thread = new Thread(this::loop, "inference-probe-" + federation);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            long sent = System.currentTimeMillis();
            try {
                String v = predict("").getModelVersion();
                synchronized (answers) {
                    answers.add(new Answer(sent, v, ""));
                }
            } catch (StatusRuntimeException e) {
                String reason = TypedErrors.reason(e);
                if (!reason.isEmpty()) {
                    synchronized (answers) {
                        answers.add(new Answer(sent, "", reason));
                    }
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One prediction of a blank image; {@code requiredVersion} "" for whichever version is served. */
    io.fedfactory.proto.v1.PredictResponse predict(String requiredVersion) {
        RawTensor.Builder t = RawTensor.newBuilder().addShape(1).addShape(side).addShape(side);
        for (int i = 0; i < side * side; i++) t.addValues(0.5f);
        return InferenceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .predict(PredictRequest.newBuilder().setFederationId(federation).setTopK(1).setRequiredVersion(requiredVersion)
                        .setImage(ImageInput.newBuilder().setTensor(t)).build());
    }

    List<Answer> answers() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(15_000);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
