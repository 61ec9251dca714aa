package io.fedfactory.synthesis;

import io.fedfactory.generative.ModuleContract;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.ClassLabel;
import io.fedfactory.generative.ModuleManifest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits each class's budget evenly over the modules covering it; the remainder goes one sample each
 * to the first modules in module-id order. Every class thus gets exactly the budget, however many
 * sites hold it (the class balance the method relies on). A module that would get no sample (budget
 * smaller than the module count) is left out of the plan.
 */
public final class EvenSplitPlanner implements SynthesisPlanner {

    /** What to do with a class no module covers. */
    public enum UncoveredClasses {
        /** Refuse to plan: the global model would never see the class. */
        FAIL,
        /** Plan without it and record it in {@link SynthesisPlan#skippedClasses()}. */
        SKIP
    }

    /** Largest budget per class accepted. */
    public static final int MAX_BUDGET = 10_000_000;

    private final UncoveredClasses uncovered;

    public EvenSplitPlanner(UncoveredClasses uncovered) {
        this.uncovered = uncovered;
    }

    @Override
    public SynthesisPlan plan(List<String> classNames, ImageSpec spec, int perClassBudget, long federationSeed,
                              Collection<ModuleManifest> modules) {
        if (classNames.isEmpty() || new HashSet<>(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("class names must be non-empty and distinct, got " + classNames);
        }
        if (perClassBudget < 1 || perClassBudget > MAX_BUDGET) {
            throw new IllegalArgumentException("per-class budget must be in [1, " + MAX_BUDGET + "], got " + perClassBudget);
        }
        List<List<ModuleManifest>> byClass = new ArrayList<>();
        for (int c = 0; c < classNames.size(); c++) byClass.add(new ArrayList<>());
        Set<String> ids = new HashSet<>();
        for (ModuleManifest m : modules) {
            check(m, classNames, spec);
            if (!ids.add(m.moduleId())) throw new IllegalArgumentException("module " + m.moduleId() + " is listed twice");
            byClass.get(m.singleClass().index()).add(m);
        }

        List<Allocation> allocations = new ArrayList<>();
        List<Integer> skipped = new ArrayList<>();
        for (int c = 0; c < classNames.size(); c++) {
            List<ModuleManifest> covering = byClass.get(c);
            if (covering.isEmpty()) {
                if (uncovered == UncoveredClasses.FAIL) {
                    throw new IllegalArgumentException("class " + c + " '" + classNames.get(c) + "' has no module; "
                            + "synthesis would leave it out of the global model (plan with SKIP to accept that)");
                }
                skipped.add(c);
                continue;
            }
            covering.sort(Comparator.comparing(ModuleManifest::moduleId));
            int share = perClassBudget / covering.size();
            int remainder = perClassBudget % covering.size();
            for (int k = 0; k < covering.size(); k++) {
                int count = share + (k < remainder ? 1 : 0);
                if (count > 0) allocations.add(new Allocation(covering.get(k), c, count));
            }
        }
        return new SynthesisPlan(classNames, spec, perClassBudget, federationSeed, allocations, skipped);
    }

    private static void check(ModuleManifest m, List<String> classNames, ImageSpec spec) {
        try {
            ModuleContract.checkClasses(m.classes().stream().map(ClassLabel::name).toList());
        } catch (ModuleContract.Violation v) {
            throw new IllegalArgumentException("module " + m.moduleId() + " covers " + m.classes().size()
                    + " classes; only single-class modules can be planned: " + v.getMessage(), v);
        }
        ClassLabel c = m.singleClass();
        if (c.index() >= classNames.size() || !classNames.get(c.index()).equals(c.name())) {
            throw new IllegalArgumentException("module " + m.moduleId() + " covers class " + c.index() + " '" + c.name()
                    + "', which is not a class of the federation " + classNames);
        }
        if (!m.spec().equals(spec)) {
            throw new IllegalArgumentException("module " + m.moduleId() + " makes images " + m.spec()
                    + " but the federation's spec is " + spec);
        }
    }
}
