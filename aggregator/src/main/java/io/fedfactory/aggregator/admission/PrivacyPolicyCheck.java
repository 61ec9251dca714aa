package io.fedfactory.aggregator.admission;

import io.fedfactory.privacy.MemorizationThresholds;
import io.fedfactory.privacy.RdpAccountant;
import io.fedfactory.privacy.ThreeSampleStatistic;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.DifferentialPrivacy;
import io.fedfactory.proto.v1.DpPhase;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.MemorizationReport;
import io.fedfactory.proto.v1.MemorizationSpace;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.PrivacyPolicy;

import java.util.List;
import java.util.Locale;

/**
 * The {@code privacy_policy} check, on the manifest alone (before any bytes are stored): the
 * module's memorization report and DP guarantee must meet the federation's {@link PrivacyPolicy},
 * and must agree with themselves. A report whose verdict does not follow from its own numbers and
 * thresholds, or a DP epsilon below what its own accounting (sampling rate, noise, steps, delta; of
 * every phase, composed, for a module trained in several) gives, is refused whatever the policy.
 */
final class PrivacyPolicyCheck {

    /** Slack for figures recomputed here from the manifest's own numbers. */
    static final double TOLERANCE = 1e-6;

    private PrivacyPolicyCheck() {
    }

    static void check(FederationSpec spec, ModuleManifest m) {
        if (m.hasMemorization()) consistent(m.getMemorization());
        if (m.getProvenance().hasDifferentialPrivacy()) consistent(m.getProvenance().getDifferentialPrivacy());
        if (!spec.hasPrivacyPolicy()) return;
        PrivacyPolicy p = spec.getPrivacyPolicy();
        if (p.getRequireMemorizationReport() || p.hasMaxCopyRate()) {
            if (!m.hasMemorization()) {
                throw fail("manifest.memorization is absent; spec.privacy_policy requires a memorization report"
                        + (p.hasMaxCopyRate() ? " with copy rate <= " + fmt(p.getMaxCopyRate()) : ""));
            }
            MemorizationReport r = m.getMemorization();
            if (p.hasMaxCopyRate()) {
                copyRateWithin("pixel", r.getPixel(), p.getMaxCopyRate());
                copyRateWithin("feature", r.getFeature(), p.getMaxCopyRate());
            }
            if (r.getFlagged()) {
                throw fail("manifest.memorization.flagged is true (" + String.join("; ", r.getReasonsList())
                        + "); spec.privacy_policy admits only modules the site's audit passed");
            }
        }
        if (p.hasMaxEpsilon()) {
            if (!m.getProvenance().hasDifferentialPrivacy()) {
                throw fail("manifest.provenance.differential_privacy is absent; spec.privacy_policy.max_epsilon is "
                        + fmt(p.getMaxEpsilon()) + " at delta " + fmt(p.getDelta()) + " (train the module with DP-SGD)")
                        .with(TypedErrors.LIMIT, "spec.privacy_policy.max_epsilon=" + fmt(p.getMaxEpsilon()));
            }
            DifferentialPrivacy dp = m.getProvenance().getDifferentialPrivacy();
            if (dp.getDelta() > p.getDelta()) {
                throw fail("manifest.provenance.differential_privacy.delta " + fmt(dp.getDelta())
                        + " exceeds spec.privacy_policy.delta " + fmt(p.getDelta()))
                        .with(TypedErrors.FIELD, "manifest.provenance.differential_privacy.delta").with(TypedErrors.VALUE, fmt(dp.getDelta()))
                        .with(TypedErrors.LIMIT, "spec.privacy_policy.delta=" + fmt(p.getDelta()));
            }
            if (dp.getEpsilon() > p.getMaxEpsilon()) {
                throw fail("manifest.provenance.differential_privacy.epsilon " + fmt(dp.getEpsilon())
                        + " exceeds spec.privacy_policy.max_epsilon " + fmt(p.getMaxEpsilon()) + " at delta "
                        + fmt(p.getDelta())).with(TypedErrors.FIELD, "manifest.provenance.differential_privacy.epsilon")
                        .with(TypedErrors.VALUE, fmt(dp.getEpsilon()))
                        .with(TypedErrors.LIMIT, "spec.privacy_policy.max_epsilon=" + fmt(p.getMaxEpsilon()));
            }
        }
    }

    private static void copyRateWithin(String space, MemorizationSpace s, double limit) {
        if (s.getCopyRate() > limit) {
            throw fail("manifest.memorization." + space + ".copy_rate " + fmt(s.getCopyRate())
                    + " exceeds spec.privacy_policy.max_copy_rate " + fmt(limit))
                    .with(TypedErrors.FIELD, "manifest.memorization." + space + ".copy_rate").with(TypedErrors.VALUE, fmt(s.getCopyRate()))
                    .with(TypedErrors.LIMIT, "spec.privacy_policy.max_copy_rate=" + fmt(limit));
        }
    }

    /** The report's verdict must follow from its numbers and thresholds by the audit's own rule. */
    private static void consistent(MemorizationReport r) {
        if (r.getSamples() < 1 || r.getTrainingImages() < 2 || r.getHeldOutImages() < 1) {
            throw fail("manifest.memorization needs samples >= 1, training_images >= 2 and held_out_images >= 1, got "
                    + r.getSamples() + ", " + r.getTrainingImages() + ", " + r.getHeldOutImages());
        }
        MemorizationThresholds thresholds;
        try {
            thresholds = new MemorizationThresholds(r.getMaxCopyRate(), r.getMaxNearerTrainingShare());
        } catch (IllegalArgumentException e) {
            throw new ModuleRejectedException(AdmissionCheck.PRIVACY_POLICY, "manifest.memorization thresholds: "
                    + e.getMessage());
        }
        space("pixel", r.getPixel(), r.getSamples());
        space("feature", r.getFeature(), r.getSamples());
        List<String> violations = thresholds.violations(r.getPixel().getCopyRate(), r.getFeature().getCopyRate(),
                r.getPixel().getNearerTrainingShare(), r.getFeature().getNearerTrainingShare());
        if (r.getFlagged() != !violations.isEmpty()) {
            throw fail("manifest.memorization.flagged is " + r.getFlagged() + " but its numbers say "
                    + (violations.isEmpty() ? "pass (no threshold crossed)" : "flagged (" + String.join("; ", violations) + ")"));
        }
    }

    private static void space(String name, MemorizationSpace s, int samples) {
        String f = "manifest.memorization." + name;
        unit(f + ".copy_rate", s.getCopyRate());
        unit(f + ".nearer_training_share", s.getNearerTrainingShare());
        unit(f + ".zu_p_value", s.getZuPValue());
        if (!Double.isFinite(s.getZu())) throw fail(f + ".zu must be finite, got " + s.getZu());
        double p = ThreeSampleStatistic.pValueOf(s.getZu());
        if (Math.abs(p - s.getZuPValue()) > TOLERANCE) {
            throw fail(f + ".zu_p_value " + fmt(s.getZuPValue()) + " is not P(Z <= zu) = " + fmt(p) + " for zu " + fmt(s.getZu()))
                    .with(TypedErrors.FIELD, f + ".zu_p_value").with(TypedErrors.VALUE, fmt(s.getZuPValue()));
        }
        // Some sample lies below the copy threshold exactly when the copy rate is above 0.
        boolean below = s.getSamplesToTraining().getMin() < s.getCopyThreshold();
        if (below != s.getCopyRate() > 0) {
            throw fail(f + ".copy_rate " + fmt(s.getCopyRate()) + " contradicts samples_to_training.min "
                    + fmt(s.getSamplesToTraining().getMin()) + " against copy_threshold " + fmt(s.getCopyThreshold()));
        }
        double copies = s.getCopyRate() * samples;
        if (Math.abs(copies - Math.rint(copies)) > TOLERANCE * samples) {
            throw fail(f + ".copy_rate " + fmt(s.getCopyRate()) + " is not a whole number of the " + samples + " samples");
        }
    }

    /** A claimed epsilon must be at least what the accountant gives for the claimed mechanism. */
    private static void consistent(DifferentialPrivacy dp) {
        String f = "manifest.provenance.differential_privacy";
        if (!(dp.getDelta() > 0 && dp.getDelta() < 1)) throw fail(f + ".delta must be in (0, 1), got " + dp.getDelta());
        if (!(dp.getEpsilon() >= 0) || Double.isInfinite(dp.getEpsilon())) {
            throw fail(f + ".epsilon must be finite and >= 0, got " + dp.getEpsilon());
        }
        mechanism(f, dp.getSamplingRate(), dp.getNoiseMultiplier(), dp.getSteps());
        if (!dp.getSampling().equals("poisson")) {
            throw fail(f + ".sampling must be \"poisson\" (the sampling the accountant assumes), got \"" + dp.getSampling() + "\"");
        }
        RdpAccountant accountant = new RdpAccountant().compose(dp.getSamplingRate(), dp.getNoiseMultiplier(), dp.getSteps());
        for (int i = 0; i < dp.getLaterPhasesCount(); i++) {
            DpPhase p = dp.getLaterPhases(i);
            mechanism(f + ".later_phases[" + i + "]", p.getSamplingRate(), p.getNoiseMultiplier(), p.getSteps());
            accountant.compose(p.getSamplingRate(), p.getNoiseMultiplier(), p.getSteps());
        }
        double accounted = accountant.epsilon(dp.getDelta(), RdpAccountant.Conversion.IMPROVED).epsilon();
        if (dp.getEpsilon() < accounted * (1 - TOLERANCE)) {
            throw fail(f + ".epsilon " + fmt(dp.getEpsilon()) + " is below " + fmt(accounted)
                    + ", what its own sampling_rate, noise_multiplier, steps and delta give"
                    + (dp.getLaterPhasesCount() == 0 ? ""
                            : ", composed with its " + dp.getLaterPhasesCount() + " later_phases"))
                    .with(TypedErrors.FIELD, f + ".epsilon").with(TypedErrors.VALUE, fmt(dp.getEpsilon()))
                    .with(TypedErrors.LIMIT, ">= " + fmt(accounted));
        }
    }

    /** One phase's mechanism must be one the accountant can account. */
    private static void mechanism(String f, double samplingRate, double noiseMultiplier, long steps) {
        if (!(samplingRate > 0 && samplingRate <= 1)) throw fail(f + ".sampling_rate must be in (0, 1], got " + samplingRate);
        if (!(noiseMultiplier > 0) || Double.isInfinite(noiseMultiplier)) {
            throw fail(f + ".noise_multiplier must be finite and > 0, got " + noiseMultiplier);
        }
        if (steps < 1) throw fail(f + ".steps must be >= 1, got " + steps);
    }

    private static void unit(String field, double v) {
        if (!(v >= 0 && v <= 1)) throw fail(field + " must be in [0, 1], got " + v);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+(e|$)", "$1");
    }

    /** The refusal, thrown by the caller ({@code throw fail(...)}, with {@code .with(...)} for field, value and limit). */
    private static ModuleRejectedException fail(String detail) {
        return new ModuleRejectedException(AdmissionCheck.PRIVACY_POLICY, detail);
    }
}
