package io.fedfactory.bench;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.Datasets;
import io.fedfactory.data.FashionMnist;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.data.MalformedDataException;
import io.fedfactory.data.Mnist;
import io.fedfactory.data.RefusedFile;
import io.fedfactory.data.SizePolicy;
import io.fedfactory.data.Split;
import io.fedfactory.data.site.DataOptions;
import io.fedfactory.data.site.SiteData;
import io.fedfactory.data.site.SiteDataset;
import io.fedfactory.determinism.SplitMix64;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The training and evaluation images of an experiment. Evaluating on "validation" holds out part of
 * TRAIN and never touches the test split: that is where budgets are tuned.
 *
 * <p>The bundled Fashion-MNIST and MNIST hold out the last {@code validationSize} TRAIN images. A dataset
 * kept as a site keeps it (idx, npz, cifar10, folder) is read by {@link SiteData}, as the client node reads
 * a site's data: its own test split when it has one, else a seeded {@code dataset.holdout} of every class;
 * validation is then a seeded draw of {@code validationSize} TRAIN images, the same share of every class.
 *
 * @param source what was read, in words (the bundled dataset's name, or format, path and image spec)
 * @param notes  conversions, resizes and skipped classes the reading reported, one line each
 */
record ExperimentData(Dataset train, Dataset eval, String evalDescription, String source, List<String> notes) {

    ExperimentData {
        notes = List.copyOf(notes);
    }

    static ExperimentData load(ExperimentConfig c) throws IOException {
        if (ExperimentConfig.SITE_FORMATS.contains(c.dataset())) return loadSiteFormat(c);
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
        return capped(c, train, eval, what, c.dataset(), List.of());
    }

    private static ExperimentData capped(ExperimentConfig c, Dataset train, Dataset eval, String what, String source,
                                         List<String> notes) {
        if (c.trainPerClass() > 0) train = Datasets.firstPerClass(train, train.name() + "-capped", c.trainPerClass());
        if (c.evalPerClass() > 0) {
            eval = Datasets.firstPerClass(eval, eval.name() + "-capped", c.evalPerClass());
            what += ", first " + c.evalPerClass() + " per class";
        }
        return new ExperimentData(train, eval, what + " (" + eval.size() + " images)", source, notes);
    }

    /** Reads a site's format with the client node's reader; any refused file stops the experiment, naming each. */
    private static ExperimentData loadSiteFormat(ExperimentConfig c) throws IOException {
        ExperimentConfig.DatasetFiles f = c.files();
        Path path = Path.of(f.path());
        SiteData.Format format = SiteData.Format.valueOf(c.dataset().toUpperCase(Locale.ROOT));
        List<String> labels = f.labels();
        ImageSpec spec = f.spec().orElse(null);
        if (labels.isEmpty() || spec == null) {
            SiteData.Contents contents;
            try {
                contents = SiteData.inspect(path, format);
            } catch (MalformedDataException e) {
                throw new DatasetRefusedException(c.dataset(), List.of(RefusedFile.of(e)));
            } catch (IOException e) {
                throw new DatasetRefusedException(c.dataset(), List.of(new RefusedFile(path.toString(), e.getMessage())));
            }
            if (labels.isEmpty()) labels = contents.labels();
            if (spec == null) spec = contents.spec();
        }
        if (labels.size() < 2) {
            throw new DatasetRefusedException(c.dataset(), List.of(new RefusedFile(path.toString(), "holds " + labels.size()
                    + " class " + labels + "; a classifier needs at least 2 (or name them in dataset.labels)")));
        }
        SizePolicy sizes = f.sizePolicy().equals("resize") ? SizePolicy.RESIZE : SizePolicy.REFUSE;
        SiteDataset d = SiteData.read(path, labels, spec,
                new DataOptions(format, sizes, DataOptions.LOWEST_MINIMUM, f.holdout(), f.holdoutSeed()));
        if (!d.refused().isEmpty()) throw new DatasetRefusedException(c.dataset(), d.refused());
        Dataset train = d.train();
        if (train.size() == 0) {
            throw new DatasetRefusedException(c.dataset(), List.of(new RefusedFile(path.toString(),
                    "holds no training images of " + labels)));
        }
        List<String> notes = new ArrayList<>(d.notes());
        notes.addAll(d.skipped());
        String source = String.format(Locale.ROOT, "%s %s (%dx%dx%d, %d classes %s)", c.dataset(), path, spec.channels(),
                spec.height(), spec.width(), labels.size(), labels);
        Dataset eval;
        String what;
        if (c.evaluation().equals("validation")) {
            double fraction = (double) c.validationSize() / train.size();
            if (fraction > 0.9) {
                throw new IllegalArgumentException("validation.size " + c.validationSize() + " is more than 90% of the "
                        + train.size() + " training images of " + path + "; choose a smaller validation.size");
            }
            int[][] parts = SiteData.holdout(train, fraction, SplitMix64.derive(f.holdoutSeed(), "validation"));
            eval = train.subset(train.name() + "-validation", parts[1]);
            train = train.subset(train.name() + "-train-minus-validation", parts[0]);
            what = String.format(Locale.ROOT, "validation: a seeded %.1f%% of every TRAIN class (seed %d; test split "
                    + "untouched)", 100 * fraction, f.holdoutSeed());
        } else {
            eval = d.test();
            if (eval.size() == 0) {
                throw new IllegalArgumentException(path + " has no test split and dataset.holdout is 0: nothing to evaluate "
                        + "on; set dataset.holdout, or evaluation=validation");
            }
            what = "TEST: " + d.testSource();
        }
        return capped(c, train, eval, what, source, notes);
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
