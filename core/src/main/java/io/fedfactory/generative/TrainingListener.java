package io.fedfactory.generative;

/** Told the training loss after each optimizer step (for progress and for checking that training learns). */
@FunctionalInterface
public interface TrainingListener {

    TrainingListener NONE = (step, loss) -> { };

    /** @param step 0-based optimizer step; @param loss that step's minibatch loss */
    void onStep(long step, double loss);
}
