package io.fedfactory.onnx.runtime;

/**
 * What a caller chooses about a session: its intra-op threads, and whether those threads may spin while
 * waiting for work. Everything else is pinned by {@link OnnxModel} for every session alike: one inter-op
 * thread, sequential execution, every graph optimization, deterministic compute.
 *
 * @param intraOpThreads threads of the session's own pool, in [1, {@value #MAX_THREADS}]
 * @param allowSpinning  whether idle intra-op threads spin; off unless a machine has cores to spare
 *                       (spinning threads burn the cores other work on a small machine needs)
 */
public record SessionSettings(int intraOpThreads, boolean allowSpinning) {

    /** Most intra-op threads a session may ask for. */
    public static final int MAX_THREADS = 256;

    public SessionSettings {
        if (intraOpThreads < 1 || intraOpThreads > MAX_THREADS) {
            throw new IllegalArgumentException("intra-op threads must be in [1, " + MAX_THREADS + "], got " + intraOpThreads);
        }
    }

    /** {@code intraOpThreads} threads that do not spin: the setting of every session but a tuned server's. */
    public static SessionSettings threads(int intraOpThreads) {
        return new SessionSettings(intraOpThreads, false);
    }
}
