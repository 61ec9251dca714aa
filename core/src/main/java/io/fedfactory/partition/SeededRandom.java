package io.fedfactory.partition;

/**
 * SplitMix64, written out so that a seed gives the same stream on every JDK (the JDK's generators
 * promise no particular algorithm), with StrictMath wherever a transcendental function is needed.
 */
final class SeededRandom {

    private long state;

    SeededRandom(long seed) {
        this.state = seed;
    }

    /** A generator for a named sub-stream, so adding a draw in one place does not shift another. */
    static SeededRandom derive(long seed, long... path) {
        long s = mix(seed ^ 0x5851F42D4C957F2DL);
        for (long p : path) s = mix(s ^ mix(p + 0x9E3779B97F4A7C15L));
        return new SeededRandom(s);
    }

    long nextLong() {
        return mix(state += 0x9E3779B97F4A7C15L);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in (0, 1): safe to take the logarithm of. */
    double nextOpenDouble() {
        return ((nextLong() >>> 12) + 0.5) * 0x1.0p-52;
    }

    /** Uniform in [0, bound), without modulo bias. */
    int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        long b = bound;
        long excess = Long.remainderUnsigned(-b, b); // 2^64 mod bound
        while (true) {
            long r = nextLong();
            // Reject the top sliver of the unsigned range that would favour small values.
            if (excess == 0 || Long.compareUnsigned(r, -excess) < 0) return (int) Long.remainderUnsigned(r, b);
        }
    }

    /** Standard normal, Box-Muller. */
    double nextGaussian() {
        double u = nextOpenDouble();
        double v = nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * v);
    }

    /** Fisher-Yates shuffle in place. */
    void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
