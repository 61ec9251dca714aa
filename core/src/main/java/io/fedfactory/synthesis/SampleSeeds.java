package io.fedfactory.synthesis;

import io.fedfactory.generative.ContentHash;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The seed of one synthetic sample: the first 8 bytes (big-endian) of
 * SHA-256(federation seed as 8 big-endian bytes || module id in ASCII || sample index as 8 big-endian
 * bytes). Any sample can be regenerated alone, and no sample depends on how the work was batched.
 */
public final class SampleSeeds {

    private SampleSeeds() {}

    public static long derive(long federationSeed, String moduleId, long sampleIndex) {
        MessageDigest sha = ContentHash.newSha256();
        sha.update(ByteBuffer.allocate(8).putLong(federationSeed).array());
        sha.update(moduleId.getBytes(StandardCharsets.US_ASCII));
        sha.update(ByteBuffer.allocate(8).putLong(sampleIndex).array());
        return ByteBuffer.wrap(sha.digest()).getLong();
    }

    /** Seeds of samples [from, to) of {@code moduleId}. */
    public static long[] range(long federationSeed, String moduleId, long from, long to) {
        long[] seeds = new long[Math.toIntExact(to - from)];
        for (int i = 0; i < seeds.length; i++) seeds[i] = derive(federationSeed, moduleId, from + i);
        return seeds;
    }
}
