package io.fedfactory.privacy;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The DP guarantee of a module trained with DP-SGD, as recorded in its training provenance (the
 * {@code dp.*} hyperparameter entries) and carried in the manifest.
 *
 * @param epsilon          epsilon at delta
 * @param delta            delta
 * @param noiseMultiplier  noise multiplier as accounted ({@link DpSgdConfig#accountedNoiseMultiplier()})
 * @param clipNorm         clipping norm
 * @param microbatchSize   images per microbatch
 * @param samplingRate     Poisson sampling rate (expected batch / dataset size)
 * @param steps            steps accounted
 * @param sampling         how batches were drawn; always {@code poisson}
 * @param accountant       accountant and conversion, for example {@code rdp-improved}
 */
public record DpGuarantee(double epsilon, double delta, double noiseMultiplier, double clipNorm, int microbatchSize,
                          double samplingRate, long steps, String sampling, String accountant) {

    /** Provenance keys start with this. */
    public static final String PREFIX = "dp.";

    /** Accounts {@code steps} steps of {@code config} at {@code samplingRate} with the improved conversion. */
    public static DpGuarantee account(DpSgdConfig config, double samplingRate, long steps) {
        RdpAccountant.Guarantee g = new RdpAccountant().compose(samplingRate, config.accountedNoiseMultiplier(), steps)
                .epsilon(config.delta(), RdpAccountant.Conversion.IMPROVED);
        return new DpGuarantee(g.epsilon(), config.delta(), config.accountedNoiseMultiplier(), config.clipNorm(),
                config.microbatchSize(), samplingRate, steps, "poisson", g.conversion().wireName());
    }

    /** The guarantee as provenance entries (exact decimal text of each double). */
    public Map<String, String> asProvenance() {
        Map<String, String> m = new TreeMap<>();
        m.put(PREFIX + "epsilon", Double.toString(epsilon));
        m.put(PREFIX + "delta", Double.toString(delta));
        m.put(PREFIX + "noiseMultiplier", Double.toString(noiseMultiplier));
        m.put(PREFIX + "clipNorm", Double.toString(clipNorm));
        m.put(PREFIX + "microbatchSize", Integer.toString(microbatchSize));
        m.put(PREFIX + "samplingRate", Double.toString(samplingRate));
        m.put(PREFIX + "steps", Long.toString(steps));
        m.put(PREFIX + "sampling", sampling);
        m.put(PREFIX + "accountant", accountant);
        return m;
    }

    /** The guarantee recorded in {@code hyperparameters}, if the module was trained with DP-SGD. */
    public static Optional<DpGuarantee> fromProvenance(Map<String, String> hyperparameters) {
        if (!hyperparameters.containsKey(PREFIX + "epsilon")) return Optional.empty();
        return Optional.of(new DpGuarantee(d(hyperparameters, "epsilon"), d(hyperparameters, "delta"),
                d(hyperparameters, "noiseMultiplier"), d(hyperparameters, "clipNorm"),
                Integer.parseInt(hyperparameters.get(PREFIX + "microbatchSize")), d(hyperparameters, "samplingRate"),
                Long.parseLong(hyperparameters.get(PREFIX + "steps")), hyperparameters.get(PREFIX + "sampling"),
                hyperparameters.get(PREFIX + "accountant")));
    }

    private static double d(Map<String, String> m, String key) {
        return Double.parseDouble(m.get(PREFIX + key));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "epsilon %.3f at delta %.1e (noise %.3f, clip %.2f, microbatch %d, q %.4f, "
                + "%d steps, %s, %s)", epsilon, delta, noiseMultiplier, clipNorm, microbatchSize, samplingRate, steps,
                sampling, accountant);
    }
}
