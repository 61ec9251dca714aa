package io.fedfactory.determinism;

import java.nio.charset.StandardCharsets;

/**
 * The one seeded random stream and the one seed derivation of the project: SplitMix64 (Steele, Lea
 * and Flood 2014) written out, so a seed gives the same numbers on every JDK (the JDK's generators
 * promise no algorithm), and {@link StrictMath} wherever a transcendental function is needed.
 *
 * <p>Every seed of a run is {@link #derive}d from one root (the federation seed, a site's training
 * seed, an experiment seed) and a purpose path such as {@code ("module", siteId, classIndex)}:
 * streams for different purposes never coincide, and adding a draw in one place does not shift
 * another. Nothing reads the clock.
 */
public final class SplitMix64 {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long STRING_TAG = 0x5354524E47L;
    private static final long NUMBER_TAG = 0x4E554D42L;

    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** A stream seeded by {@link #derive}{@code (parent, purpose)}. */
    public static SplitMix64 derived(long parent, Object... purpose) {
        return new SplitMix64(derive(parent, purpose));
    }

    /**
     * The seed for {@code purpose} under {@code parent}. Each part is a {@link String} (hashed by its
     * UTF-8 bytes and length) or an integral {@link Number} (Integer, Long, Short, Byte); parts are
     * absorbed in order, so {@code ("a", 1)} and {@code (1, "a")} differ, as do different lengths.
     */
    public static long derive(long parent, Object... purpose) {
        long h = mix64(parent ^ GOLDEN_GAMMA);
        for (Object part : purpose) {
            if (part instanceof String s) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                h = absorb(h, STRING_TAG ^ ((long) b.length << 8));
                for (int i = 0; i < b.length; i += 8) {
                    long chunk = 0;
                    for (int j = i; j < Math.min(b.length, i + 8); j++) chunk = (chunk << 8) | (b[j] & 0xff);
                    h = absorb(h, chunk);
                }
            } else if (part instanceof Long || part instanceof Integer || part instanceof Short || part instanceof Byte) {
                h = absorb(h, NUMBER_TAG);
                h = absorb(h, ((Number) part).longValue());
            } else {
                throw new IllegalArgumentException("a seed purpose part must be a String or an integral number, got "
                        + (part == null ? "null" : part.getClass().getName()));
            }
        }
        return h;
    }

    /**
     * Seeds {@code derive(parent, purpose..., i)} for i in [from, to): one per sample, so any sample can
     * be regenerated alone and none depends on how the work was batched.
     */
    public static long[] deriveRange(long parent, long from, long to, Object... purpose) {
        long[] seeds = new long[Math.toIntExact(to - from)];
        Object[] path = java.util.Arrays.copyOf(purpose, purpose.length + 1);
        for (int i = 0; i < seeds.length; i++) {
            path[purpose.length] = from + i;
            seeds[i] = derive(parent, path);
        }
        return seeds;
    }

    /** The SplitMix64 finalizer (Stafford's variant 13): a bijective 64-bit mix. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long absorb(long h, long v) {
        return mix64(h + GOLDEN_GAMMA + mix64(v));
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix64(state);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in (0, 1): safe to take the logarithm of. */
    public double nextOpenDouble() {
        return ((nextLong() >>> 12) + 0.5) * 0x1.0p-52;
    }

    public boolean nextBoolean() {
        return nextLong() < 0;
    }

    /** Uniform in [0, bound), without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be > 0, got " + bound);
        long b = bound;
        long excess = Long.remainderUnsigned(-b, b); // 2^64 mod bound
        while (true) {
            long r = nextLong();
            // Reject the top sliver of the unsigned range that would favour small values.
            if (excess == 0 || Long.compareUnsigned(r, -excess) < 0) return (int) Long.remainderUnsigned(r, b);
        }
    }

    /** Standard normal: Marsaglia's polar method, with StrictMath. */
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

    /** A uniformly random permutation of [0, n). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        shuffle(p);
        return p;
    }

    /** Fisher-Yates shuffle in place. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
