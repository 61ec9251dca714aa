package io.fedfactory.djl;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.TestImages;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.decoder.DecoderTrainer;
import io.fedfactory.generative.decoder.DecoderTrainingConfig;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Training gives the same bytes while the garbage collector runs all the time. A second thread
 * collects without pause and fills freshly allocated native memory with 1e30, so an array whose
 * memory was freed while a recorded graph still held it (see {@link DeterministicTorch}) reads
 * 1e30 in the backward pass, and the trained bytes change. Before the loss's constants became
 * arrays of the step, this training diverged under this pressure (loss NaN at step 35); 8 epochs of 16
 * steps run well past that.
 */
class GcPressureTest {

    private static final ImageSpec SPEC = new ImageSpec(1, 12, 12, -1f, 1f);

    @Test
    void decoderModuleIsTheSameUnderGcPressure() throws Exception {
        Dataset images = TestImages.oneClass(1, 256, SPEC, 7L);
        DecoderTrainingConfig config = new DecoderTrainingConfig(32, 4, 8, 16, 2e-3f, 11L, 1).withKlWeight(0.1f);
        Supplier<String> train = () -> {
            TrainedModule m = new DecoderTrainer(config).train(images, "site-a");
            return m.id();
        };
        String quiet = train.get();
        try (GcPressure ignored = new GcPressure()) {
            assertEquals(quiet, train.get(), "decoder module bytes changed under GC pressure");
        }
    }

    /** Collects without pause on a daemon thread, refilling freed native memory with 1e30. */
    static final class GcPressure implements AutoCloseable {
        private volatile boolean stop;
        private final Thread thread = new Thread(this::run, "gc-pressure");

        GcPressure() {
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            List<ByteBuffer> held = new ArrayList<>();
            while (!stop) {
                System.gc();
                held.clear();
                for (int i = 0; i < 256; i++) {
                    ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 6)).order(ByteOrder.nativeOrder());
                    while (b.remaining() >= Float.BYTES) b.putFloat(1e30f);
                    held.add(b);
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }
}
