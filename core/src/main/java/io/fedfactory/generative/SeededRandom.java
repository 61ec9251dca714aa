package io.fedfactory.generative;

/**
 * A seeded random stream that gives the same numbers on every JVM: SplitMix64 for the bits and
 * Marsaglia's polar method with {@link StrictMath} for Gaussians. Sampling noise, weight
 * initialization and batch order all come from here, never from the clock or an engine's RNG, so
 * a module and its samples are a pure function of their seeds.
 */
public final class SeededRandom {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    public SeededRandom(long seed) {
        this.state = seed;
    }

    /** A seed for the {@code index}-th child stream of {@code seed}; distinct indices give unrelated streams. */
    public static long childSeed(long seed, long index) {
        return mix64(mix64(seed) + GOLDEN_GAMMA * (index + 1));
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix64(state);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), unbiased. */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be > 0, got " + bound);
        long limit = (1L << 31) - ((1L << 31) % bound);
        while (true) {
            long r = nextLong() >>> 33;
            if (r < limit) return (int) (r % bound);
        }
    }

    /** Standard normal. */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double scale = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        spareGaussian = v * scale;
        hasSpare = true;
        return u * scale;
    }

    /** Fills {@code dst[offset, offset + length)} with standard normal values. */
    public void fillGaussian(float[] dst, int offset, int length) {
        for (int i = offset; i < offset + length; i++) dst[i] = (float) nextGaussian();
    }

    /** A uniformly random permutation of [0, n) (Fisher-Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
