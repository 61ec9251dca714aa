package io.fedfactory.classifier;

import java.util.Objects;

/**
 * One run of mini-batch SGD as {@code torch.optim.SGD} does it (no dampening, no Nesterov): with
 * d = grad + weightDecay * w + proximalMu * (w - anchor), the momentum buffer becomes
 * momentum * buffer + d and w moves by -lr * buffer. The learning rate follows {@code schedule}
 * over the run's steps.
 *
 * @param proximalMu strength of FedProx's proximal term pulling weights towards an anchor; 0 turns it off
 */
public record SgdPlan(int epochs, int batchSize, float learningRate, LearningRateSchedule schedule, float momentum,
                      float weightDecay, Augmentation augmentation, long seed, int threads, float proximalMu) {

    public SgdPlan {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(augmentation, "augmentation");
        if (epochs < 1) throw new IllegalArgumentException("sgd.epochs must be at least 1, got " + epochs);
        if (batchSize < 2) throw new IllegalArgumentException("sgd.batchSize must be at least 2, got " + batchSize);
        if (!(learningRate >= 0f) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("sgd.learningRate must be finite and >= 0, got " + learningRate);
        }
        if (!(momentum >= 0f && momentum < 1f)) {
            throw new IllegalArgumentException("sgd.momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0f) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("sgd.weightDecay must be finite and >= 0, got " + weightDecay);
        }
        if (!(proximalMu >= 0f) || !Float.isFinite(proximalMu)) {
            throw new IllegalArgumentException("sgd.proximalMu must be finite and >= 0, got " + proximalMu);
        }
        if (threads < 1) throw new IllegalArgumentException("sgd.threads must be at least 1, got " + threads);
    }

    /** The recipe's full training run. */
    public static SgdPlan of(ClassifierRecipe recipe) {
        return new SgdPlan(recipe.epochs(), recipe.batchSize(), recipe.learningRate(), recipe.schedule(),
                recipe.momentum(), recipe.weightDecay(), recipe.augmentation(), recipe.seed(), recipe.threads(), 0f);
    }

    /** A local run of a federated round: {@code epochs} at a constant {@code lr}, its own seed, optional FedProx. */
    public SgdPlan local(int localEpochs, float lr, long localSeed, float mu) {
        return new SgdPlan(localEpochs, batchSize, lr, LearningRateSchedule.CONSTANT, momentum, weightDecay,
                augmentation, localSeed, threads, mu);
    }
}
