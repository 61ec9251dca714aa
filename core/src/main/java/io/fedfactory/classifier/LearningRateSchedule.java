package io.fedfactory.classifier;

/** How the learning rate moves from its base value over a run. */
public enum LearningRateSchedule {
    /** Constant at the base rate. */
    CONSTANT,
    /** Half-cosine from the base rate to 0 over the run (the reference recipe). */
    COSINE;

    /** Learning rate after {@code done} of {@code total} steps. */
    public float at(float base, long done, long total) {
        if (this == CONSTANT || total <= 0) return base;
        double progress = Math.min(1.0, (double) done / total);
        return (float) (0.5 * base * (1.0 + StrictMath.cos(Math.PI * progress)));
    }
}
