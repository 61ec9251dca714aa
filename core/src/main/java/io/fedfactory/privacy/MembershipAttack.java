package io.fedfactory.privacy;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.determinism.SplitMix64;

import java.util.Locale;

/**
 * A black-box membership-inference attack on a module, with nothing but its sampler: the likelihood
 * attack of Chen et al. (GAN-Leaks, CCS 2020, full black-box setting; the Monte Carlo attack of
 * Hilprecht et al., PETS 2019, in its small-bandwidth limit). The attacker draws samples and scores each
 * candidate image by how close its nearest sample is (pixels in [0, 1]): a module that puts probability
 * mass on its training images draws samples next to them. The candidates scoring above a threshold are
 * called members.
 *
 * <p>The figure is the attack's AUC over the site's training images (members) against its held-out
 * images (non-members), over every threshold: 0.5 means the module says nothing about who was in its
 * training set; 1 means every member is told apart.
 *
 * @param samples samples drawn from the module
 * @param seed    seed of the draw
 */
public record MembershipAttack(int samples, long seed) {

    public MembershipAttack {
        if (samples < 1 || samples > 100_000) {
            throw new IllegalArgumentException("attack samples must be in [1, 100000], got " + samples);
        }
    }

    /** @param auc P(score of a member > score of a non-member), ties half */
    public record Result(double auc, int members, int nonMembers, int samples, double wallSeconds) {
        public String summary() {
            return String.format(Locale.ROOT, "membership attack AUC %.3f (%d members, %d non-members, %d samples)",
                    auc, members, nonMembers, samples);
        }
    }

    /** Attacks {@code module} with candidates {@code members} and {@code nonMembers} (flat CHW in {@code spec}). */
    public Result run(MemorizationAudit.Samples module, float[] members, float[] nonMembers, ImageSpec spec) {
        long started = System.nanoTime();
        int dim = spec.pixels();
        int m = members.length / dim;
        int n = nonMembers.length / dim;
        if (m < 1 || n < 1) {
            throw new IllegalArgumentException("attack needs members and non-members, got " + m + " and " + n);
        }
        float[] generated = module.sample(samples, SplitMix64.derive(seed, "attack-samples"));
        if (generated.length != samples * dim) {
            throw new IllegalArgumentException("module gave " + generated.length + " values for " + samples
                    + " samples of " + dim);
        }
        float[] g = MemorizationAudit.unit(generated, spec);
        double[] in = negated(NearestNeighbours.of(MemorizationAudit.unit(members, spec), g, dim).distance());
        double[] out = negated(NearestNeighbours.of(MemorizationAudit.unit(nonMembers, spec), g, dim).distance());
        double auc = ThreeSampleStatistic.mannWhitneyU(in, out) / ((double) m * n);
        return new Result(auc, m, n, samples, (System.nanoTime() - started) / 1e9);
    }

    private static double[] negated(double[] d) {
        double[] s = new double[d.length];
        for (int i = 0; i < d.length; i++) s[i] = -d[i];
        return s;
    }
}
