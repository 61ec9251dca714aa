package io.fedfactory.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The DP guarantee of a module trained with DP-SGD, as recorded in its training provenance (the
 * {@code dp.*} hyperparameter entries) and carried in the manifest. A module trained in several
 * DP-SGD phases on the same images (latent diffusion: its autoencoder, then its denoiser on the
 * images' latents) has one guarantee: the fields below describe its first phase, {@code laterPhases}
 * the others, and epsilon is that of all phases composed in one {@link RdpAccountant}, converted once
 * at delta.
 *
 * @param epsilon          epsilon at delta, of all phases
 * @param delta            delta
 * @param noiseMultiplier  noise multiplier as accounted ({@link DpSgdConfig#accountedNoiseMultiplier()})
 * @param clipNorm         clipping norm
 * @param microbatchSize   images per microbatch
 * @param samplingRate     Poisson sampling rate (expected batch / dataset size)
 * @param steps            steps accounted
 * @param sampling         how batches were drawn; always {@code poisson}
 * @param accountant       accountant and conversion, for example {@code rdp-improved}
 * @param laterPhases      the phases after the first, in training order (empty for one phase)
 */
public record DpGuarantee(double epsilon, double delta, double noiseMultiplier, double clipNorm, int microbatchSize,
                          double samplingRate, long steps, String sampling, String accountant, List<Phase> laterPhases) {

    /** Provenance keys start with this. */
    public static final String PREFIX = "dp.";

    /** One DP-SGD phase: {@code steps} Poisson-sampled steps at the accounted noise multiplier. */
    public record Phase(double noiseMultiplier, double clipNorm, int microbatchSize, double samplingRate, long steps) {
    }

    public DpGuarantee {
        laterPhases = List.copyOf(laterPhases);
    }

    /** Accounts {@code steps} steps of {@code config} at {@code samplingRate} with the improved conversion. */
    public static DpGuarantee account(DpSgdConfig config, double samplingRate, long steps) {
        return composed(config.delta(), List.of(new Phase(config.accountedNoiseMultiplier(), config.clipNorm(),
                config.microbatchSize(), samplingRate, steps)));
    }

    /** The guarantee of {@code phases} run one after another on the same images, at {@code delta}. */
    public static DpGuarantee composed(double delta, List<Phase> phases) {
        RdpAccountant accountant = new RdpAccountant();
        for (Phase p : phases) accountant.compose(p.samplingRate(), p.noiseMultiplier(), p.steps());
        RdpAccountant.Guarantee g = accountant.epsilon(delta, RdpAccountant.Conversion.IMPROVED);
        Phase first = phases.get(0);
        return new DpGuarantee(g.epsilon(), delta, first.noiseMultiplier(), first.clipNorm(), first.microbatchSize(),
                first.samplingRate(), first.steps(), "poisson", g.conversion().wireName(),
                phases.subList(1, phases.size()));
    }

    /** This guarantee's phases followed by {@code later}'s, composed; both must be at the same delta. */
    public DpGuarantee then(DpGuarantee later) {
        if (later.delta != delta) {
            throw new IllegalArgumentException("composed DP phases need one delta, got " + delta + " and " + later.delta);
        }
        List<Phase> all = new ArrayList<>(phases());
        all.addAll(later.phases());
        return composed(delta, all);
    }

    /** Every phase, the first included, in training order. */
    public List<Phase> phases() {
        List<Phase> all = new ArrayList<>();
        all.add(new Phase(noiseMultiplier, clipNorm, microbatchSize, samplingRate, steps));
        all.addAll(laterPhases);
        return List.copyOf(all);
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
        if (!laterPhases.isEmpty()) {
            m.put(PREFIX + "phases", Integer.toString(laterPhases.size() + 1));
            for (int i = 0; i < laterPhases.size(); i++) {
                Phase p = laterPhases.get(i);
                String k = PREFIX + "phase" + (i + 2) + ".";
                m.put(k + "noiseMultiplier", Double.toString(p.noiseMultiplier()));
                m.put(k + "clipNorm", Double.toString(p.clipNorm()));
                m.put(k + "microbatchSize", Integer.toString(p.microbatchSize()));
                m.put(k + "samplingRate", Double.toString(p.samplingRate()));
                m.put(k + "steps", Long.toString(p.steps()));
            }
        }
        return m;
    }

    /** The guarantee recorded in {@code hyperparameters}, if the module was trained with DP-SGD. */
    public static Optional<DpGuarantee> fromProvenance(Map<String, String> hyperparameters) {
        if (!hyperparameters.containsKey(PREFIX + "epsilon")) return Optional.empty();
        List<Phase> later = new ArrayList<>();
        int phases = Integer.parseInt(hyperparameters.getOrDefault(PREFIX + "phases", "1"));
        for (int i = 2; i <= phases; i++) later.add(phase(hyperparameters, PREFIX + "phase" + i + "."));
        Phase first = phase(hyperparameters, PREFIX);
        return Optional.of(new DpGuarantee(Double.parseDouble(hyperparameters.get(PREFIX + "epsilon")),
                Double.parseDouble(hyperparameters.get(PREFIX + "delta")), first.noiseMultiplier(), first.clipNorm(),
                first.microbatchSize(), first.samplingRate(), first.steps(), hyperparameters.get(PREFIX + "sampling"),
                hyperparameters.get(PREFIX + "accountant"), later));
    }

    private static Phase phase(Map<String, String> m, String prefix) {
        return new Phase(Double.parseDouble(m.get(prefix + "noiseMultiplier")), Double.parseDouble(m.get(prefix + "clipNorm")),
                Integer.parseInt(m.get(prefix + "microbatchSize")), Double.parseDouble(m.get(prefix + "samplingRate")),
                Long.parseLong(m.get(prefix + "steps")));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "epsilon %.3f at delta %.1e (noise %.3f, clip %.2f, microbatch %d, q %.4f, "
                + "%d steps, %s, %s)", epsilon, delta, noiseMultiplier, clipNorm, microbatchSize, samplingRate, steps,
                sampling, accountant) + (laterPhases.isEmpty() ? "" : " then " + laterPhases);
    }
}
