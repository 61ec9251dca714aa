package io.fedfactory.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs DJL work on the PyTorch engine with a pinned intra-op thread count and a fixed engine seed.
 *
 * <p>PyTorch CPU kernels reduce in an order that depends on the number of threads, so the same
 * seed and data give bit-identical results only at the same thread count. The count is process
 * state in libtorch, so pinned work is serialized within the JVM: a concurrent caller with another
 * count would otherwise change it mid-run, and DJL allows only one gradient collector per process.
 * The count is set on the calling thread (OpenMP keeps it per thread) and restored afterwards.
 *
 * <p>Gradient recording is switched off on the calling thread for the duration: PyTorch's grad mode
 * is per thread and on by default, DJL only turns it off on the thread that loaded the engine, and
 * with it on, in-place updates of parameters fail and inference records graphs. Inside a
 * {@code GradientCollector} it is on as usual.
 *
 * <p><b>No Java numbers in a recorded graph.</b> DJL's arithmetic with a {@code Number} argument
 * ({@code x.mul(0.5f)}, {@code x.div(n)}) wraps the number in a scalar tensor over Java-owned memory
 * and closes that tensor as soon as the operation returns. Autograd keeps the scalar for the backward
 * pass, and once the tensor is closed the garbage collector may free its memory before the backward
 * pass reads it: the gradient then uses whatever the memory holds by then. That happened rarely and
 * only under load: one module in ten came out different between runs, and once training diverged.
 * Inside a {@code GradientCollector}, constants are arrays created on the step's manager (or
 * {@code TensorOps.scalar}), which live until the step's memory is freed. Outside of one (optimizer
 * updates, no graph) a number argument is safe: it is read before the operation returns.
 * {@code GcPressureTest} trains under a collector that runs all the time and checks the bytes.
 */
public final class DeterministicTorch {

    /** Name under which DJL registers the PyTorch engine. */
    public static final String ENGINE_NAME = "PyTorch";
    /** Most intra-op threads accepted; more than the cores only adds contention. */
    public static final int MAX_THREADS = 256;

    private static final ReentrantLock PINNED = new ReentrantLock(true);

    private DeterministicTorch() {
    }

    /** The PyTorch engine; fails with a clear message when its natives cannot be loaded. */
    public static Engine engine() {
        try {
            return Engine.getEngine(ENGINE_NAME);
        } catch (RuntimeException e) {
            throw new IllegalStateException("DJL engine " + ENGINE_NAME + " is not available (needs pytorch-engine, "
                    + "pytorch-jni and pytorch-native-cpu on the class path and a writable DJL_CACHE_DIR): "
                    + e.getMessage(), e);
        }
    }

    /** A new CPU base manager of the PyTorch engine; the caller closes it. */
    public static NDManager newCpuManager() {
        return engine().newBaseManager(Device.cpu());
    }

    /**
     * Runs {@code work} with {@code threads} intra-op threads and the engine seeded from {@code seed},
     * holding the JVM-wide lock for pinned work (re-entrant, so pinned work may nest).
     */
    public static <T> T call(int threads, long seed, Callable<T> work) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got " + threads);
        }
        Engine engine = engine();
        PINNED.lock();
        int before = JniUtils.getNumThreads();
        boolean gradMode = JniUtils.isGradMode();
        try {
            JniUtils.setGradMode(false);
            JniUtils.setNumThreads(threads);
            int actual = JniUtils.getNumThreads();
            if (actual != threads) {
                throw new IllegalStateException("PyTorch refused " + threads + " intra-op threads (runs with " + actual
                        + "); results would not be reproducible");
            }
            engine.setRandomSeed(foldSeed(seed));
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("pinned work failed: " + e.getMessage(), e);
        } finally {
            JniUtils.setGradMode(gradMode);
            JniUtils.setNumThreads(before);
            PINNED.unlock();
        }
    }

    /** Intra-op threads PyTorch uses on the calling thread right now. */
    public static int currentThreads() {
        engine();
        return JniUtils.getNumThreads();
    }

    /** Library versions, for provenance: {@code "DJL 0.35.1, PyTorch 2.7.1"}. */
    public static String versions() {
        return "DJL " + Engine.getDjlVersion() + ", PyTorch " + engine().getVersion();
    }

    /** The engine takes an int seed; fold both halves so seeds differing only above bit 32 stay apart. */
    static int foldSeed(long seed) {
        return (int) (seed ^ (seed >>> 32));
    }
}
