package io.fedfactory.synthesis;

import io.fedfactory.data.ImageSpec;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to synthesize: per class, which modules produce how many samples, under which federation
 * seed. Allocations are ordered by class index, then module id.
 *
 * @param classNames      the federation's label names
 * @param spec            the federation's image spec
 * @param perClassBudget  samples wanted per class
 * @param federationSeed  root of every sample's seed
 * @param allocations     one per (module, class) with at least one sample
 * @param skippedClasses  classes no module covers, left out on request
 */
public record SynthesisPlan(List<String> classNames, ImageSpec spec, int perClassBudget, long federationSeed,
                            List<Allocation> allocations, List<Integer> skippedClasses) {

    public SynthesisPlan {
        classNames = List.copyOf(classNames);
        Objects.requireNonNull(spec, "spec");
        allocations = allocations.stream()
                .sorted(Comparator.comparingInt(Allocation::classIndex).thenComparing(Allocation::moduleId))
                .toList();
        skippedClasses = List.copyOf(skippedClasses);
        Set<String> seen = new HashSet<>();
        for (Allocation a : allocations) {
            if (!seen.add(a.moduleId())) {
                throw new IllegalArgumentException("plan allocates module " + a.moduleId() + " more than once");
            }
            if (a.classIndex() < 0 || a.classIndex() >= classNames.size()) {
                throw new IllegalArgumentException("plan allocates class " + a.classIndex() + ", outside [0, "
                        + classNames.size() + ")");
            }
        }
    }

    /** Samples in the whole synthetic dataset. */
    public long totalSamples() {
        return allocations.stream().mapToLong(Allocation::count).sum();
    }

    /** Samples planned for class {@code classIndex}. */
    public int samplesOfClass(int classIndex) {
        return allocations.stream().filter(a -> a.classIndex() == classIndex).mapToInt(Allocation::count).sum();
    }

    /** The ids of all modules the plan samples, sorted: the synthetic dataset's lineage. */
    public List<String> moduleIds() {
        return allocations.stream().map(Allocation::moduleId).sorted().toList();
    }
}
