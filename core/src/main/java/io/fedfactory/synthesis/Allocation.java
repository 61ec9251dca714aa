package io.fedfactory.synthesis;

import io.fedfactory.generative.ModuleManifest;

import java.util.Objects;

/** How many samples of class {@code classIndex} one module contributes to the synthetic dataset. */
public record Allocation(ModuleManifest module, int classIndex, int count) {

    public Allocation {
        Objects.requireNonNull(module, "module");
        if (count < 1) {
            throw new IllegalArgumentException("allocation of module " + module.moduleId() + " must be >= 1 samples, got "
                    + count);
        }
    }

    public String moduleId() {
        return module.moduleId();
    }
}
