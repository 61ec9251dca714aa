package io.fedfactory.aggregator.upload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Upload and admission meters (Prometheus names: fedfactory_upload_*), registered at start so they scrape as 0. */
@Startup
@ApplicationScoped
public class UploadMetrics {

    @Inject
    MeterRegistry registry;

    private Counter bytes;
    private Counter admitted;
    private Counter duplicates;
    private Counter interrupted;
    private Timer admission;
    private Timer upload;

    @jakarta.annotation.PostConstruct
    void init() {
        bytes = Counter.builder("fedfactory.upload.bytes").baseUnit("bytes")
                .description("Module bytes received and stored").register(registry);
        admitted = Counter.builder("fedfactory.upload.admitted")
                .description("Modules admitted and stored").register(registry);
        duplicates = Counter.builder("fedfactory.upload.duplicates")
                .description("Uploads of an already admitted module (answered already_stored)").register(registry);
        interrupted = Counter.builder("fedfactory.upload.interrupted")
                .description("Streams that ended before their last byte (partial bytes kept for resumption)").register(registry);
        admission = Timer.builder("fedfactory.upload.admission")
                .description("Time spent in admission checks (hash, ONNX load, probe)").register(registry);
        upload = Timer.builder("fedfactory.upload.duration")
                .description("From the first chunk of a stream to the receipt of an admitted module").register(registry);
    }

    void received(long n) {
        bytes.increment(n);
    }

    void admitted(long nanos) {
        admitted.increment();
        upload.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void duplicate() {
        duplicates.increment();
    }

    void interrupted() {
        interrupted.increment();
    }

    Timer admissionTimer() {
        return admission;
    }

    /** A module failed admission check {@code check}. */
    void rejected(String check) {
        Counter.builder("fedfactory.upload.rejected").tag("check", check)
                .description("Modules rejected by an admission check").register(registry).increment();
    }

    /** An upload was refused for a protocol or state reason (not an admission check). */
    void refused(String reason) {
        Counter.builder("fedfactory.upload.refused").tag("reason", reason)
                .description("Uploads refused before admission (header, offsets, limits, federation state)")
                .register(registry).increment();
    }
}
