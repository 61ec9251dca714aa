package io.fedfactory.fuzz;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Seeded fuzzing of an input boundary: mutations of a valid input (flipped bytes, interesting values,
 * truncations, insertions, duplicated and removed spans) and plain random bytes, fed to a check that
 * states the property (a named refusal or a valid result, nothing stored after a refusal). Case
 * {@code i} of seed {@code s} is always the same input, so a failure names the case that replays it.
 *
 * <p>Cases per boundary: {@code -Dfedfactory.fuzz.cases=N} (the test suite's default is small); the
 * seed: {@code -Dfedfactory.fuzz.seed=S}. "No hang" is a bound on each case ({@link #within}, default
 * {@link #DEFAULT_CASE_TIMEOUT}), so a run of any length keeps the same property. Used by every
 * module's boundary tests.
 */
public final class BoundaryFuzz {

    /** Cases each boundary runs unless {@code fedfactory.fuzz.cases} says otherwise. */
    public static final int DEFAULT_CASES = 200;
    /** How long one case may take before it counts as a hang, unless {@link #within} says otherwise. */
    public static final Duration DEFAULT_CASE_TIMEOUT = Duration.ofSeconds(30);
    private static final byte[] INTERESTING = {0, 1, -1, 0x7f, (byte) 0x80, 0x40, 0x20, 0x0a, 0x0d, '"', '{', '[', ','};

    private final long seed;
    private final int cases;
    private final Duration caseTimeout;

    private BoundaryFuzz(long seed, int cases, Duration caseTimeout) {
        this.seed = seed;
        this.cases = cases;
        this.caseTimeout = caseTimeout;
    }

    /** The run configured by the system properties (seed 13 and {@link #DEFAULT_CASES} by default). */
    public static BoundaryFuzz configured() {
        return of(Long.getLong("fedfactory.fuzz.seed", 13), Integer.getInteger("fedfactory.fuzz.cases", DEFAULT_CASES));
    }

    public static BoundaryFuzz of(long seed, int cases) {
        return new BoundaryFuzz(seed, cases, DEFAULT_CASE_TIMEOUT);
    }

    /** The same run with another bound on each case. */
    public BoundaryFuzz within(Duration caseTimeout) {
        return new BoundaryFuzz(seed, cases, caseTimeout);
    }

    public int cases() {
        return cases;
    }

    /**
     * Runs {@code check} on {@code cases} inputs derived from {@code valids}, each on a worker thread
     * within the case bound; a failure or a hang is rethrown naming the boundary, the seed and the case.
     *
     * @return the number of cases run
     */
    public int run(String boundary, byte[][] valids, BiConsumer<Integer, byte[]> check) {
        ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "fuzz-" + boundary);
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < cases; i++) {
                SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i * 7919L + boundary.hashCode());
                byte[] input = i % 10 == 9 ? random(r, 256) : mutate(valids[r.nextInt(valids.length)], r);
                int index = i;
                Future<?> done = worker.submit(() -> check.accept(index, input));
                try {
                    done.get(caseTimeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    done.cancel(true);
                    throw failure(boundary, i, input, new AssertionError("no result within " + caseTimeout.toMillis()
                            + " ms (a hang)"));
                } catch (ExecutionException e) {
                    throw failure(boundary, i, input, e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure(boundary, i, input, e);
                }
            }
        } finally {
            worker.shutdownNow();
        }
        return cases;
    }

    private AssertionError failure(String boundary, int i, byte[] input, Throwable e) {
        return new AssertionError(boundary + ": case " + i + " of seed " + seed + " (" + input.length
                + " bytes, starting " + hex(input) + "): " + e, e);
    }

    /** One to four mutations of {@code valid}. */
    public static byte[] mutate(byte[] valid, SplittableRandom r) {
        byte[] b = valid.clone();
        int n = 1 + r.nextInt(4);
        for (int k = 0; k < n; k++) {
            if (b.length == 0) return random(r, 16);
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 2 -> b[at] = INTERESTING[r.nextInt(INTERESTING.length)];
                case 3 -> b = Arrays.copyOf(b, at);
                case 4 -> b = splice(b, at, random(r, 1 + r.nextInt(32)));
                case 5 -> b = splice(b, at, Arrays.copyOfRange(b, at, Math.min(b.length, at + 1 + r.nextInt(64))));
                default -> {
                    int end = Math.min(b.length, at + 1 + r.nextInt(64));
                    byte[] cut = new byte[b.length - (end - at)];
                    System.arraycopy(b, 0, cut, 0, at);
                    System.arraycopy(b, end, cut, at, b.length - end);
                    b = cut;
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, byte[] extra) {
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(b, at, out, at + extra.length, b.length - at);
        return out;
    }

    private static byte[] random(SplittableRandom r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        for (int i = 0; i < b.length; i++) b[i] = (byte) r.nextInt(256);
        return b;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(16, b.length); i++) s.append(String.format("%02x", b[i]));
        return s.toString();
    }
}
