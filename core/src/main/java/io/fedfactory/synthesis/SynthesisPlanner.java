package io.fedfactory.synthesis;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.ModuleManifest;

import java.util.Collection;
import java.util.List;

/** Decides how each class's synthesis budget is shared among the modules that cover it. */
public interface SynthesisPlanner {

    /**
     * @param classNames     the federation's label names (module class indices refer to them)
     * @param spec           the federation's image spec; every module must produce it
     * @param perClassBudget samples wanted per class
     * @param federationSeed root of every sample's seed
     * @param modules        the admitted modules
     */
    SynthesisPlan plan(List<String> classNames, ImageSpec spec, int perClassBudget, long federationSeed,
                       Collection<ModuleManifest> modules);
}
