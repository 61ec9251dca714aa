package io.fedfactory.bench.baseline;

import io.fedfactory.classifier.ClassifierArchitecture;
import io.fedfactory.classifier.ClassifierRecipe;
import io.fedfactory.classifier.ClassifierWeights;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.classifier.EpochStats;
import io.fedfactory.classifier.SeededInitialization;
import io.fedfactory.classifier.SgdPlan;
import io.fedfactory.classifier.SgdResult;
import io.fedfactory.classifier.SgdTraining;
import io.fedfactory.classifier.TrainedClassifier;
import io.fedfactory.classifier.TrainingListener;
import io.fedfactory.classifier.TrainingProgress;
import io.fedfactory.classifier.TrainingProvenance;
import io.fedfactory.classifier.WeightTensor;
import io.fedfactory.data.Dataset;
import io.fedfactory.djl.DeterministicTorch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * FedAvg (McMahan et al. 2017), and FedProx when the config sets mu, simulated in one process. Each
 * round the server sends the global weights to the round's sites; each runs local SGD with the
 * recipe's optimizer (fresh momentum, constant learning rate within the round) and uploads its
 * weights; the server replaces the global model by the average of all uploaded tensors, BatchNorm
 * running statistics included, weighted by each site's example count.
 *
 * <p>The recipe gives the architecture, optimizer, batch size, augmentation, thread count and seed;
 * its epoch count is replaced by rounds x local epochs, and its schedule is applied per round. Every
 * random choice derives from the recipe's seed, so a run repeats bit for bit.
 */
public final class FedAvg {

    private static final Logger LOG = LoggerFactory.getLogger(FedAvg.class);

    private final ClassifierRecipe recipe;
    private final FedAvgConfig config;

    public FedAvg(ClassifierRecipe recipe, FedAvgConfig config) {
        this.recipe = Objects.requireNonNull(recipe, "recipe");
        this.config = Objects.requireNonNull(config, "config");
    }

    public FedAvgResult run(List<Dataset> sites) {
        return run(sites, TrainingListener.NONE);
    }

    public FedAvgResult run(List<Dataset> sites, TrainingListener listener) {
        return run(sites, listener, RoundObserver.NONE);
    }

    /**
     * Runs every round; after each, {@code observer} sees the round's figures and the global model as it
     * stands (the same model the run returns after its last round).
     */
    public FedAvgResult run(List<Dataset> sites, TrainingListener listener, RoundObserver observer) {
        Sites.requireSameTask(sites);
        Objects.requireNonNull(observer, "observer");
        long t0 = System.nanoTime();
        Dataset first = sites.get(0);
        ClassifierArchitecture architecture = new ClassifierArchitecture(recipe, first.spec(), first.numClasses());
        ClassifierWeights global = SeededInitialization.of(architecture, recipe.seed());
        long upload = global.byteSize();
        long[] sent = new long[sites.size()];
        long seen = 0;
        int total = 0;
        for (Dataset s : sites) total += s.size();
        List<RoundStats> rounds = new ArrayList<>();
        List<EpochStats> history = new ArrayList<>();
        for (int round = 1; round <= config.rounds(); round++) {
            long r0 = System.nanoTime();
            List<Integer> participants = participants(round, sites.size());
            List<ClassifierWeights> uploads = new ArrayList<>();
            long[] counts = new long[participants.size()];
            double loss = 0;
            double accuracy = 0;
            long roundImages = 0;
            for (int p = 0; p < participants.size(); p++) {
                int site = participants.get(p);
                Dataset data = sites.get(site);
                TrainingListener local = scaled(listener, t0, round, p, participants.size());
                SgdResult result = SgdTraining.run(architecture, global, data, localPlan(round, site), global, local);
                uploads.add(result.weights());
                counts[p] = data.size();
                sent[site] += upload;
                EpochStats last = result.history().get(result.history().size() - 1);
                loss += last.meanLoss() * data.size();
                accuracy += last.trainAccuracy() * data.size();
                roundImages += result.examplesSeen();
            }
            global = weightedAverage(uploads, counts);
            long weight = 0;
            for (long c : counts) weight += c;
            double seconds = (System.nanoTime() - r0) / 1e9;
            float lr = roundLearningRate(round);
            rounds.add(new RoundStats(round, participants, lr, loss / weight, accuracy / weight, seconds));
            history.add(new EpochStats(round, loss / weight, accuracy / weight, roundImages, seconds, lr));
            seen += roundImages;
            LOG.info("fedavg round {}/{}: {} sites, lr {}, mean local loss {}, {} s", round, config.rounds(),
                    participants.size(), String.format("%.5f", lr), String.format("%.4f", loss / weight),
                    String.format("%.1f", seconds));
            if (observer != RoundObserver.NONE) {
                observer.afterRound(rounds.get(rounds.size() - 1),
                        model(sites, global, history, Duration.ofNanos(System.nanoTime() - t0), total, seen));
            }
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - t0);
        return new FedAvgResult(model(sites, global, history, wall, total, seen), rounds, upload, sent, wall);
    }

    private TrainedClassifier model(List<Dataset> sites, ClassifierWeights global, List<EpochStats> history,
                                    Duration wall, int total, long seen) {
        Dataset first = sites.get(0);
        TrainingProvenance provenance = new TrainingProvenance(recipe.seed(), recipe.threads(),
                DeterministicTorch.versions(), "fedavg(" + names(sites) + ")", total, seen);
        return new TrainedClassifier(recipe, first.spec(), first.labelNames(), global, history, wall,
                provenance);
    }

    /** Sites taking part in {@code round} (1-based), in increasing order: all, or a seeded draw. */
    public List<Integer> participants(int round, int sites) {
        int k = config.clientsPerRound() == 0 ? sites : Math.min(config.clientsPerRound(), sites);
        int[] idx = new int[sites];
        for (int i = 0; i < sites; i++) idx[i] = i;
        if (k < sites) {
            SplitMix64 rng = SplitMix64.derived(recipe.seed(), "clients", round);
            for (int i = 0; i < k; i++) {
                int j = i + rng.nextInt(sites - i);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
            Arrays.sort(idx, 0, k);
        }
        List<Integer> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) out.add(idx[i]);
        return out;
    }

    /** The local SGD run of {@code site} in {@code round}: its own seed, the round's learning rate, FedProx's mu. */
    public SgdPlan localPlan(int round, int site) {
        return SgdPlan.of(recipe).local(config.localEpochs(), roundLearningRate(round),
                SplitMix64.derive(recipe.seed(), "local", round, site), config.proximalMu());
    }

    /** The recipe's schedule evaluated at the start of {@code round} (1-based) over all rounds. */
    public float roundLearningRate(int round) {
        return recipe.schedule().at(recipe.learningRate(), round - 1, config.rounds());
    }

    /**
     * Element-wise average of {@code models} (same layout) weighted by {@code counts}, accumulated in
     * double in list order.
     */
    public static ClassifierWeights weightedAverage(List<ClassifierWeights> models, long[] counts) {
        if (models.isEmpty() || models.size() != counts.length) {
            throw new IllegalArgumentException("weighted average: " + models.size() + " models for " + counts.length
                    + " counts; need at least one and as many counts as models");
        }
        long total = 0;
        for (long c : counts) {
            if (c < 0) throw new IllegalArgumentException("weighted average: negative example count " + c);
            total += c;
        }
        if (total == 0) throw new IllegalArgumentException("weighted average: all example counts are 0");
        ClassifierWeights first = models.get(0);
        List<WeightTensor> out = new ArrayList<>(first.tensors().size());
        for (int t = 0; t < first.tensors().size(); t++) {
            WeightTensor ref = first.tensors().get(t);
            double[] acc = new double[ref.size()];
            for (int m = 0; m < models.size(); m++) {
                WeightTensor w = models.get(m).tensors().get(t);
                if (!w.name().equals(ref.name()) || w.size() != ref.size()) {
                    throw new IllegalArgumentException("weighted average: model " + m + " has tensor " + w + " where model 0 has "
                            + ref);
                }
                float[] v = w.valuesView();
                for (int i = 0; i < v.length; i++) acc[i] += (double) counts[m] * v[i];
            }
            float[] avg = new float[acc.length];
            for (int i = 0; i < acc.length; i++) avg[i] = (float) (acc[i] / total);
            out.add(new WeightTensor(ref.name(), ref.shape(), avg));
        }
        return new ClassifierWeights(out);
    }

    /** Maps a local run's progress onto the whole federated run (rounds x participants). */
    private TrainingListener scaled(TrainingListener listener, long runStart, int round, int participant,
                                    int participants) {
        if (listener == null || listener == TrainingListener.NONE) return TrainingListener.NONE;
        return p -> {
            double done = (round - 1 + (participant + p.fraction()) / participants) / config.rounds();
            long elapsed = System.nanoTime() - runStart;
            long remaining = done <= 0 ? 0 : (long) (elapsed * (1 - done) / done);
            listener.onProgress(new TrainingProgress(done, round, config.rounds(), p.step(), p.steps(),
                    Duration.ofNanos(elapsed), Duration.ofNanos(remaining)));
        };
    }

    private static String names(List<Dataset> sites) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sites.size(); i++) b.append(i == 0 ? "" : "+").append(sites.get(i).name());
        return b.toString();
    }
}
