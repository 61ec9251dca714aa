package io.fedfactory.client.site;

import io.fedfactory.data.Cifar10;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.IdxFormat;
import io.fedfactory.data.ImageFolder;
import io.fedfactory.data.MedMnist;
import io.fedfactory.data.Split;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ImageSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A site's local images, loaded from disk and checked against the federation's spec. Labels are
 * mapped to the federation's label names, so a module's class is named the same at every site.
 */
public final class SiteData {

    /** Formats a site can hold its data in. */
    public enum Format { IDX, NPZ, CIFAR10, FOLDER }

    /**
     * Loads {@code split} of the data at {@code path}.
     * <ul>
     *   <li>IDX: a folder with {@code <split>-images-idx3-ubyte[.gz]} and {@code <split>-labels-idx1-ubyte[.gz]}
     *       (split = train or t10k), labels indexing the federation's label names;</li>
     *   <li>NPZ: a MedMNIST archive;</li>
     *   <li>CIFAR10: a folder of CIFAR-10 binary batches;</li>
     *   <li>FOLDER: one sub-folder per class, named as the federation's labels (train split only).</li>
     * </ul>
     */
    public static Dataset load(Format format, Path path, Split split, FederationSpec spec) throws IOException {
        List<String> labels = spec.getLabelNamesList();
        Dataset data = switch (format) {
            case IDX -> {
                String prefix = split == Split.TEST ? "t10k" : "train";
                yield IdxFormat.load("site " + split.name().toLowerCase(), existing(path, prefix + "-images-idx3-ubyte"),
                        existing(path, prefix + "-labels-idx1-ubyte"), labels);
            }
            case NPZ -> MedMnist.load(path, split, labels);
            case CIFAR10 -> Cifar10.fromDirectory(path, split);
            case FOLDER -> ImageFolder.load(path, spec.getImageSpec().getChannels(),
                    spec.getImageSpec().getHeight(), spec.getImageSpec().getWidth());
        };
        check(data, spec);
        return data;
    }

    /** The data must have the federation's image spec and only the federation's label names. */
    static void check(Dataset data, FederationSpec spec) {
        ImageSpec want = spec.getImageSpec();
        var have = data.spec();
        if (have.channels() != want.getChannels() || have.height() != want.getHeight() || have.width() != want.getWidth()) {
            throw new IllegalArgumentException("local data " + data.name() + " has images " + have.channels() + "x"
                    + have.height() + "x" + have.width() + " but federation " + spec.getFederationId() + " expects "
                    + want.getChannels() + "x" + want.getHeight() + "x" + want.getWidth());
        }
        if (have.valueMin() < want.getValueMin() || have.valueMax() > want.getValueMax()) {
            throw new IllegalArgumentException("local data " + data.name() + " has values in [" + have.valueMin() + ", "
                    + have.valueMax() + "] outside the federation's [" + want.getValueMin() + ", " + want.getValueMax() + "]");
        }
        for (String name : data.labelNames()) {
            if (!spec.getLabelNamesList().contains(name)) {
                throw new IllegalArgumentException("local label '" + name + "' is not one of federation "
                        + spec.getFederationId() + "'s labels " + spec.getLabelNamesList());
            }
        }
        if (!data.labelNames().equals(spec.getLabelNamesList())) {
            throw new IllegalArgumentException("local label names " + data.labelNames()
                    + " must list the federation's labels in its order " + spec.getLabelNamesList());
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException("local data " + data.name() + " holds no images");
        }
    }

    private static Path existing(Path dir, String base) throws IOException {
        for (String candidate : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        throw new java.io.FileNotFoundException("no " + base + "[.gz] in " + dir.toAbsolutePath());
    }

    private SiteData() {
    }
}
