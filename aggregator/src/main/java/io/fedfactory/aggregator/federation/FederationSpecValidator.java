package io.fedfactory.aggregator.federation;

import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.ClassifierRecipe;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.PrivacyPolicy;
import io.fedfactory.proto.v1.ModuleKind;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a federation spec at the boundary; every error names the field and the limit. */
public final class FederationSpecValidator {

    static final Pattern ID = Pattern.compile("[a-z0-9-]{1,64}");
    static final int MAX_LABELS = 1000;
    static final int MAX_SIDE = 1024;
    static final int MAX_SAMPLES_PER_CLASS = 1_000_000;
    /** Site ids are the names of site certificates (io.fedfactory.security.Identity). */
    static final Pattern SITE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    static final int MAX_ENROLLED_SITES = 10_000;

    /** @throws InvalidSpecException naming the first field that is wrong */
    public static void validate(FederationSpec spec) {
        if (!ID.matcher(spec.getFederationId()).matches()) {
            throw refused("spec.federation_id must match " + ID.pattern() + ", got '" + spec.getFederationId() + "'",
                    spec.getFederationId(), ID.pattern());
        }
        int labels = spec.getLabelNamesCount();
        if (labels < 2 || labels > MAX_LABELS) {
            throw refused("spec.label_names must hold 2.." + MAX_LABELS + " names, got " + labels, labels, "[2, " + MAX_LABELS + "]");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < labels; i++) {
            String name = spec.getLabelNames(i);
            if (name.isBlank() || name.length() > 128) {
                throw refused("spec.label_names[" + i + "] must be 1..128 non-blank characters", name, "1..128 non-blank characters");
            }
            if (!seen.add(name)) {
                throw refused("spec.label_names[" + i + "] '" + name + "' is a duplicate", name, "unique");
            }
        }
        validate(spec.getImageSpec(), "spec.image_spec");
        if (spec.getAcceptedKindsCount() == 0) {
            throw new InvalidSpecException("spec.accepted_kinds must name at least one module kind");
        }
        for (ModuleKind kind : spec.getAcceptedKindsList()) {
            if (kind == ModuleKind.MODULE_KIND_UNSPECIFIED || kind == ModuleKind.UNRECOGNIZED) {
                throw new InvalidSpecException("spec.accepted_kinds holds an unknown kind: " + kind);
            }
        }
        range("spec.samples_per_class", spec.getSamplesPerClass(), 1, MAX_SAMPLES_PER_CLASS);
        if (spec.hasRecipe()) {
            validate(spec.getRecipe());
        }
        validateEnrollment(spec);
        if (spec.hasPrivacyPolicy()) {
            validate(spec.getPrivacyPolicy());
        }
        if (spec.getClosePolicy().getExpectedSites() < 0) {
            throw refused("spec.close_policy.expected_sites must be >= 0, got " + spec.getClosePolicy().getExpectedSites(),
                    spec.getClosePolicy().getExpectedSites(), ">= 0");
        }
    }

    static void validate(PrivacyPolicy p) {
        if (p.hasMaxCopyRate() && !(p.getMaxCopyRate() >= 0 && p.getMaxCopyRate() <= 1)) {
            throw refused("spec.privacy_policy.max_copy_rate must be in [0, 1], got " + p.getMaxCopyRate(), p.getMaxCopyRate(), "[0, 1]");
        }
        if (p.hasMaxEpsilon()) {
            if (!(p.getMaxEpsilon() >= 0) || Double.isInfinite(p.getMaxEpsilon())) {
                throw refused("spec.privacy_policy.max_epsilon must be finite and >= 0, got " + p.getMaxEpsilon(),
                        p.getMaxEpsilon(), "finite, >= 0");
            }
            if (!(p.getDelta() > 0 && p.getDelta() < 1)) {
                throw refused("spec.privacy_policy.delta must be in (0, 1) when max_epsilon is set, got " + p.getDelta(),
                        p.getDelta(), "(0, 1)");
            }
        }
    }

    static void validateEnrollment(FederationSpec spec) {
        int n = spec.getEnrolledSiteIdsCount();
        if (n > MAX_ENROLLED_SITES) {
            throw refused("spec.enrolled_site_ids must hold at most " + MAX_ENROLLED_SITES + " site ids, got " + n, n, MAX_ENROLLED_SITES);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String id = spec.getEnrolledSiteIds(i);
            if (!SITE_ID.matcher(id).matches()) {
                throw refused("spec.enrolled_site_ids[" + i + "] must match " + SITE_ID.pattern() + ", got '" + id + "'", id,
                        SITE_ID.pattern());
            }
            if (!seen.add(id)) {
                throw refused("spec.enrolled_site_ids[" + i + "] '" + id + "' is a duplicate", id, "unique");
            }
        }
    }

    static void validate(ImageSpec s, String field) {
        if (s.getChannels() != 1 && s.getChannels() != 3) {
            throw refused(field + ".channels must be 1 or 3, got " + s.getChannels(), s.getChannels(), "1 or 3");
        }
        range(field + ".height", s.getHeight(), 1, MAX_SIDE);
        range(field + ".width", s.getWidth(), 1, MAX_SIDE);
        if (!Float.isFinite(s.getValueMin()) || !Float.isFinite(s.getValueMax()) || !(s.getValueMin() < s.getValueMax())) {
            throw new InvalidSpecException(field + " value range must be finite with value_min < value_max, got ["
                    + s.getValueMin() + ", " + s.getValueMax() + "]");
        }
    }

    static void validate(ClassifierRecipe r) {
        range("spec.recipe.base_width", r.getBaseWidth(), 4, 256);
        range("spec.recipe.blocks_per_stage (count)", r.getBlocksPerStageCount(), 1, 4);
        for (int i = 0; i < r.getBlocksPerStageCount(); i++) {
            range("spec.recipe.blocks_per_stage[" + i + "]", r.getBlocksPerStage(i), 1, 16);
        }
        range("spec.recipe.epochs", r.getEpochs(), 1, 1000);
        range("spec.recipe.batch_size", r.getBatchSize(), 1, 4096);
        range("spec.recipe.threads", r.getThreads(), 1, 256);
        if (!(r.getLearningRate() > 0) || !Float.isFinite(r.getLearningRate())) {
            throw refused("spec.recipe.learning_rate must be finite and > 0, got " + r.getLearningRate(), r.getLearningRate(),
                    "finite, > 0");
        }
        if (!(r.getMomentum() >= 0 && r.getMomentum() < 1)) {
            throw refused("spec.recipe.momentum must be in [0, 1), got " + r.getMomentum(), r.getMomentum(), "[0, 1)");
        }
        if (!(r.getWeightDecay() >= 0) || !Float.isFinite(r.getWeightDecay())) {
            throw refused("spec.recipe.weight_decay must be finite and >= 0, got " + r.getWeightDecay(), r.getWeightDecay(),
                    "finite, >= 0");
        }
        float blur = r.getInputBlur();
        if (!io.fedfactory.data.GaussianBlur.isSigmaOrNone(blur)) {
            throw (InvalidSpecException) new InvalidSpecException("spec.recipe.input_blur must be "
                    + io.fedfactory.data.GaussianBlur.SIGMA_OR_NONE + ", got " + blur)
                    .with(io.fedfactory.proto.errors.TypedErrors.VALUE, blur)
                    .with(io.fedfactory.proto.errors.TypedErrors.LIMIT, "0 or (0, " + io.fedfactory.data.GaussianBlur.MAX_SIGMA + "]");
        }
    }

    private static void range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw refused(field + " must be in [" + min + ", " + max + "], got " + value, value, "[" + min + ", " + max + "]");
        }
    }

    /** The refusal of a spec field (named at the start of {@code message}) holding {@code value}, against {@code limit}. */
    private static InvalidSpecException refused(String message, Object value, Object limit) {
        return (InvalidSpecException) new InvalidSpecException(message).with(TypedErrors.VALUE, value).with(TypedErrors.LIMIT, limit);
    }

    private FederationSpecValidator() {
    }
}
