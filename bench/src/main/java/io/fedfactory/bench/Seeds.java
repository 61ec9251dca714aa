package io.fedfactory.bench;

import java.nio.charset.StandardCharsets;

/**
 * Every seed a run uses derives from the experiment seed and a purpose tag (SplitMix64 over an
 * FNV-1a hash of the tag), so changing the experiment seed changes module training, synthesis and
 * classifier seeds together, and nothing reads the clock.
 */
final class Seeds {

    private Seeds() {}

    static long derive(long experimentSeed, String purpose) {
        long h = 0xcbf29ce484222325L;
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(experimentSeed ^ mix(h));
    }

    private static long mix(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
