package io.fedfactory.bench;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.Datasets;
import io.fedfactory.data.FashionMnist;
import io.fedfactory.data.Mnist;
import io.fedfactory.data.Split;

import java.io.IOException;

/**
 * The training and evaluation images of an experiment. Evaluating on "validation" holds out the last
 * {@code validationSize} TRAIN images and never touches the test split: that is where budgets are tuned.
 */
record ExperimentData(Dataset train, Dataset eval, String evalDescription) {

    static ExperimentData load(ExperimentConfig c) throws IOException {
        Dataset train = c.dataset().equals("mnist") ? Mnist.load(Split.TRAIN) : FashionMnist.load(Split.TRAIN);
        Dataset eval;
        String what;
        if (c.evaluation().equals("validation")) {
            int keep = train.size() - c.validationSize();
            eval = train.subset(c.dataset() + "-validation", range(keep, train.size()));
            train = train.subset(c.dataset() + "-train-minus-validation", range(0, keep));
            what = "validation: last " + c.validationSize() + " TRAIN images (test split untouched)";
        } else {
            eval = c.dataset().equals("mnist") ? Mnist.load(Split.TEST) : FashionMnist.load(Split.TEST);
            what = "official TEST split";
        }
        if (c.trainPerClass() > 0) train = Datasets.firstPerClass(train, train.name() + "-capped", c.trainPerClass());
        if (c.evalPerClass() > 0) {
            eval = Datasets.firstPerClass(eval, eval.name() + "-capped", c.evalPerClass());
            what += ", first " + c.evalPerClass() + " per class";
        }
        return new ExperimentData(train, eval, what + " (" + eval.size() + " images)");
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
