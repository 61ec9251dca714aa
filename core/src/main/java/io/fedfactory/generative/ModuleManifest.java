package io.fedfactory.generative;

import io.fedfactory.determinism.ContentHash;
import io.fedfactory.data.ImageSpec;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything needed to sample a generative module from its ONNX bytes alone: what it is, which
 * classes it covers, the images it makes, how to sample it, how it was trained, where it came from,
 * and its id (the SHA-256 of its ONNX bytes).
 *
 * <p>Serializes to deterministic JSON with {@link #toJson()} and {@link #fromJson(String)}.
 */
public record ModuleManifest(ModuleKind kind, List<ClassLabel> classes, ImageSpec spec, SamplerParameters sampler,
                             TrainingProvenance provenance, String siteId, String moduleId) {

    /** Most classes one module may cover. */
    public static final int MAX_CLASSES = 4096;
    /** Longest site id accepted. */
    public static final int MAX_SITE_ID_LENGTH = 128;

    public ModuleManifest {
        Objects.requireNonNull(kind, "manifest.kind");
        Objects.requireNonNull(classes, "manifest.classes");
        Objects.requireNonNull(spec, "manifest.spec");
        Objects.requireNonNull(sampler, "manifest.sampler");
        Objects.requireNonNull(provenance, "manifest.provenance");
        Objects.requireNonNull(siteId, "manifest.siteId");
        Objects.requireNonNull(moduleId, "manifest.moduleId");
        classes = List.copyOf(classes);
        if (classes.isEmpty() || classes.size() > MAX_CLASSES) {
            throw new IllegalArgumentException("manifest.classes must hold 1 to " + MAX_CLASSES + " classes, got "
                    + classes.size());
        }
        Set<Integer> indices = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (ClassLabel c : classes) {
            if (!indices.add(c.index()) || !names.add(c.name())) {
                throw new IllegalArgumentException("manifest.classes must not repeat an index or name, got " + c
                        + " twice");
            }
        }
        if (sampler.kind() != kind) {
            throw new IllegalArgumentException("manifest.sampler holds " + sampler.kind().wireName()
                    + " parameters but manifest.kind is " + kind.wireName());
        }
        if (siteId.isBlank() || siteId.length() > MAX_SITE_ID_LENGTH || !siteId.chars().allMatch(ch -> ch >= 0x21 && ch < 0x7f)) {
            throw new IllegalArgumentException("manifest.siteId must be 1 to " + MAX_SITE_ID_LENGTH
                    + " printable ASCII characters without spaces, got '" + siteId + "'");
        }
        if (!ContentHash.isSha256Hex(moduleId)) {
            throw new IllegalArgumentException("manifest.moduleId must be 64 lowercase hex characters (SHA-256 of the "
                    + "ONNX bytes), got '" + moduleId + "'");
        }
    }

    /** The one class of a single-class module; fails for a module covering several. */
    public ClassLabel singleClass() {
        if (classes.size() != 1) {
            throw new IllegalStateException("module " + moduleId + " covers " + classes.size() + " classes, not one");
        }
        return classes.get(0);
    }

    /** Deterministic JSON: fixed field order, map entries sorted, no whitespace. */
    public String toJson() {
        return ManifestJson.write(this);
    }

    /** Parses and validates {@link #toJson()} output; errors name the offending field. */
    public static ModuleManifest fromJson(String json) {
        return ManifestJson.read(json);
    }
}
