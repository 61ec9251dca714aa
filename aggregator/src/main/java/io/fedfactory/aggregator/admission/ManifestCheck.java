package io.fedfactory.aggregator.admission;

import io.fedfactory.generative.ModuleContract;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.DiffusionSampler;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.proto.v1.ModuleManifest;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@code manifest} check: what a module declares must fit the federation it is uploaded to. */
final class ManifestCheck {

    static final Pattern SITE_ID = Pattern.compile("[a-z0-9-]{1,64}");
    static final int MAX_STEPS = 1000;
    static final int MAX_LATENT_DIM = 4096;

    private ManifestCheck() {
    }

    static void check(FederationSpec spec, ModuleManifest m) {
        String fed = spec.getFederationId();
        if (m.getKind() == ModuleKind.MODULE_KIND_UNSPECIFIED || m.getKind() == ModuleKind.UNRECOGNIZED) {
            fail("manifest.kind must be set (MODULE_KIND_DIFFUSION, MODULE_KIND_DECODER or MODULE_KIND_LATENT_DIFFUSION)");
        }
        if (!spec.getAcceptedKindsList().contains(m.getKind())) {
            fail("manifest.kind " + m.getKind() + " is not accepted by federation '" + fed + "' (accepted_kinds: "
                    + spec.getAcceptedKindsList() + ")");
        }
        if (m.getClassesCount() == 0) fail("manifest.classes must name at least one class");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < m.getClassesCount(); i++) {
            String c = m.getClasses(i);
            if (!spec.getLabelNamesList().contains(c)) {
                fail("manifest.classes[" + i + "] '" + c + "' is not a label of federation '" + fed + "' (label_names: "
                        + spec.getLabelNamesList() + ")");
            }
            if (!seen.add(c)) fail("manifest.classes[" + i + "] '" + c + "' is a duplicate");
        }
        // What synthesis can plan (core's ModuleContract): refused here, not at StartTraining for everyone.
        try {
            ModuleContract.checkClasses(m.getClassesList());
        } catch (ModuleContract.Violation v) {
            throw new ModuleRejectedException(AdmissionCheck.MANIFEST, v.getMessage())
                    .with(TypedErrors.FIELD, "manifest.classes").with(TypedErrors.VALUE, m.getClassesCount())
                    .with(TypedErrors.LIMIT, 1);
        }
        if (!m.getImageSpec().equals(spec.getImageSpec())) {
            fail("manifest.image_spec " + text(m.getImageSpec()) + " must equal the federation's image_spec "
                    + text(spec.getImageSpec()));
        }
        switch (m.getKind()) {
            case MODULE_KIND_DIFFUSION -> {
                if (!m.hasDiffusion()) fail("manifest.diffusion must be set for kind MODULE_KIND_DIFFUSION (got "
                        + m.getSamplerCase() + ")");
                check("manifest.diffusion", m.getDiffusion());
            }
            case MODULE_KIND_DECODER -> {
                if (!m.hasDecoder()) fail("manifest.decoder must be set for kind MODULE_KIND_DECODER (got "
                        + m.getSamplerCase() + ")");
                check("manifest.decoder.latent_dim", m.getDecoder().getLatentDim());
            }
            case MODULE_KIND_LATENT_DIFFUSION -> {
                if (!m.hasLatentDiffusion()) fail("manifest.latent_diffusion must be set for kind MODULE_KIND_LATENT_DIFFUSION (got "
                        + m.getSamplerCase() + ")");
                check("manifest.latent_diffusion.latent_dim", m.getLatentDiffusion().getLatentDim());
                if (!m.getLatentDiffusion().hasDiffusion()) fail("manifest.latent_diffusion.diffusion must be set");
                check("manifest.latent_diffusion.diffusion", m.getLatentDiffusion().getDiffusion());
            }
            default -> throw new IllegalStateException("unreachable: " + m.getKind());
        }
        if (!SITE_ID.matcher(m.getSiteId()).matches()) {
            fail("manifest.site_id must match [a-z0-9-]{1,64}, got '" + m.getSiteId() + "'");
        }
    }

    private static void check(String field, DiffusionSampler s) {
        if (s.getSteps() < 1 || s.getSteps() > MAX_STEPS) {
            fail(field + ".steps must be in [1, " + MAX_STEPS + "], got " + s.getSteps());
        }
        if (!(s.getSigmaMin() > 0) || !Float.isFinite(s.getSigmaMin())) {
            fail(field + ".sigma_min must be finite and > 0, got " + s.getSigmaMin());
        }
        if (!(s.getSigmaMax() > s.getSigmaMin()) || !Float.isFinite(s.getSigmaMax())) {
            fail(field + ".sigma_max must be finite and > sigma_min (" + s.getSigmaMin() + "), got "
                    + s.getSigmaMax());
        }
        if (!(s.getRho() > 0) || !Float.isFinite(s.getRho())) {
            fail(field + ".rho must be finite and > 0, got " + s.getRho());
        }
        if (!(s.getSigmaData() > 0) || !Float.isFinite(s.getSigmaData())) {
            fail(field + ".sigma_data must be finite and > 0, got " + s.getSigmaData());
        }
    }

    private static void check(String field, int latentDim) {
        if (latentDim < 1 || latentDim > MAX_LATENT_DIM) {
            fail(field + " must be in [1, " + MAX_LATENT_DIM + "], got " + latentDim);
        }
    }

    static String text(io.fedfactory.proto.v1.ImageSpec s) {
        return s.getChannels() + "x" + s.getHeight() + "x" + s.getWidth() + " in [" + s.getValueMin() + ", "
                + s.getValueMax() + "]";
    }

    private static void fail(String detail) {
        throw new ModuleRejectedException(AdmissionCheck.MANIFEST, detail);
    }
}
