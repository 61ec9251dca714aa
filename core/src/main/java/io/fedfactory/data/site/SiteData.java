package io.fedfactory.data.site;

import io.fedfactory.data.HoldOut;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.data.Cifar10;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.Datasets;
import io.fedfactory.data.FolderScan;
import io.fedfactory.data.IdxFormat;
import io.fedfactory.data.ImageFolder;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.data.MalformedDataException;
import io.fedfactory.data.MedMnist;
import io.fedfactory.data.RefusedFile;
import io.fedfactory.data.SizePolicy;
import io.fedfactory.data.Split;
import io.fedfactory.proto.v1.FederationSpec;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A site's data as it keeps it, read against the federation's labels and image spec. A site may hold
 * any subset of the labels. Every problem is collected into one {@link SiteDataset} before anything
 * is trained; the caller decides whether to go on.
 *
 * <p>Layouts:
 * <ul>
 *   <li>FOLDER: {@code <data>/train/<label>/*.png|jpg|jpeg} and {@code <data>/test/<label>/...}, or a
 *       single split {@code <data>/<label>/...}; folders are named as the federation's labels;</li>
 *   <li>IDX: {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]} and optionally
 *       the {@code t10k-} pair, labels indexing the federation's labels;</li>
 *   <li>NPZ: a MedMNIST archive with {@code train_} and optionally {@code test_} arrays, labels
 *       indexing the federation's labels;</li>
 *   <li>CIFAR10: the binary batches present among {@code data_batch_1..5.bin} and optionally
 *       {@code test_batch.bin}, classes matched to the federation's labels by name.</li>
 * </ul>
 * Without a test split, a seeded part of each class is held out for testing and never trained on.
 * A class with fewer training images than the minimum is skipped, with a line naming it.
 */
public final class SiteData {

    /** Formats a site can hold its data in. */
    public enum Format { IDX, NPZ, CIFAR10, FOLDER }


    /** The two splits as read, before the held-out draw and the minimum; a missing split is null. */
    private record Read(Dataset train, Dataset test, String testSource, Map<String, String> sources) {
    }

    /** Reads {@code data} against a federation's labels and image spec. */
    public static SiteDataset read(Path data, FederationSpec spec, DataOptions options) throws IOException {
        var want = spec.getImageSpec();
        return read(data, spec.getLabelNamesList(), new ImageSpec(want.getChannels(), want.getHeight(), want.getWidth(),
                want.getValueMin(), want.getValueMax()), options);
    }

    /**
     * What data holds before it is read against labels and a spec: its class names and its image spec.
     *
     * @param labels class names in label order: FOLDER the class folders by name (of train/ and test/ when
     *               the tree is split), IDX and NPZ "0".."k-1" with k one more than the largest label,
     *               CIFAR10 those of batches.meta.txt or the standard ten
     * @param spec   FOLDER the first image's (grey 1 channel, colour 3), IDX and NPZ the arrays', CIFAR10 3x32x32;
     *               values in [0, 1]
     */
    public record Contents(List<String> labels, ImageSpec spec) {
        public Contents {
            labels = List.copyOf(labels);
        }
    }

    /**
     * Reads what {@code data} holds (see {@link Contents}); for IDX and NPZ that reads the training arrays.
     *
     * @throws MalformedDataException naming the file and the fault when a file cannot be read as the format
     * @throws FileNotFoundException  when the data or the files the format needs are not there
     */
    public static Contents inspect(Path data, Format format) throws IOException {
        if (!Files.exists(data)) throw new FileNotFoundException(data + ": does not exist");
        switch (format) {
            case FOLDER -> {
                if (!Files.isDirectory(data)) throw new FileNotFoundException(data + ": is not a directory; the folder format needs a folder tree");
                Path trainDir = data.resolve("train");
                Path testDir = data.resolve("test");
                List<Path> roots = new ArrayList<>();
                for (Path p : List.of(trainDir, testDir)) if (Files.isDirectory(p)) roots.add(p);
                if (roots.isEmpty()) roots.add(data);
                java.util.TreeSet<String> names = new java.util.TreeSet<>();
                for (Path root : roots) names.addAll(ImageFolder.classNames(root));
                if (names.isEmpty()) {
                    throw new MalformedDataException(data.toString(), "holds no class folders; expected " + layoutHint(format));
                }
                return new Contents(List.copyOf(names), ImageFolder.firstImageSpec(roots.get(0)));
            }
            case IDX -> {
                Path images = existing(data, "train-images-idx3-ubyte");
                Path lbl = existing(data, "train-labels-idx1-ubyte");
                if (images == null || lbl == null) {
                    throw new FileNotFoundException(data + ": needs train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]");
                }
                Dataset d = IdxFormat.load("inspect", images, lbl);
                return new Contents(d.labelNames(), d.spec());
            }
            case NPZ -> {
                Dataset d = MedMnist.load(data, Split.TRAIN);
                return new Contents(d.labelNames(), d.spec());
            }
            case CIFAR10 -> {
                Path dir = Files.isDirectory(data) ? data : data.toAbsolutePath().getParent();
                return new Contents(Cifar10.labelNames(dir), Cifar10.SPEC);
            }
            default -> throw new IllegalStateException(format.toString());
        }
    }

    /** Reads {@code data} against {@code labels} (in label order) and the image spec {@code target}. */
    public static SiteDataset read(Path data, List<String> labels, ImageSpec target, DataOptions options) throws IOException {
        List<RefusedFile> refused = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Read read;
        if (!Files.exists(data)) {
            refused.add(new RefusedFile(data.toString(), "does not exist"));
            read = new Read(null, null, "", Map.of());
        } else {
            read = switch (options.format()) {
                case FOLDER -> folders(data, labels, target, options.sizes(), refused, notes);
                case IDX -> arrays(data, labels, target, options.sizes(), refused, notes, split -> {
                    String prefix = split == Split.TEST ? "t10k" : "train";
                    Path images = existing(data, prefix + "-images-idx3-ubyte");
                    Path lbl = existing(data, prefix + "-labels-idx1-ubyte");
                    if (images == null && lbl == null) return null;
                    if (images == null || lbl == null) {
                        throw new FileNotFoundException(data + ": has only one of " + prefix + "-images-idx3-ubyte[.gz] and "
                                + prefix + "-labels-idx1-ubyte[.gz]; both are needed");
                    }
                    return new Source(IdxFormat.load("site " + split.shortName(), images, lbl, labels), images.toString());
                });
                case NPZ -> arrays(data, labels, target, options.sizes(), refused, notes, split -> MedMnist.hasSplit(data, split)
                        ? new Source(MedMnist.load(data, split, labels), data + "!" + split.shortName() + "_images.npy") : null);
                case CIFAR10 -> arrays(data, labels, target, options.sizes(), refused, notes, split -> {
                    List<Path> batches = Cifar10.batchesPresent(data, split);
                    if (batches.isEmpty()) return null;
                    String where = batches.size() == 1 ? batches.get(0).toString() : data + "/data_batch_*.bin";
                    return new Source(byName(Cifar10.load("cifar10-" + split.shortName(), batches), labels, where, refused), where);
                });
            };
        }
        Dataset train = read.train() != null ? read.train() : empty(labels, target, "train");
        Dataset test = read.test();
        String testSource = read.testSource();
        if (test == null && train.size() > 0 && options.holdoutFraction() > 0) {
            int[][] parts = holdout(train, options.holdoutFraction(), options.seed());
            test = train.subset(train.name() + "-held-out", parts[1]);
            train = train.subset(train.name(), parts[0]);
            testSource = String.format(Locale.ROOT, "held out: %.0f%% of each class of %s (seed %d), no test split found",
                    100 * options.holdoutFraction(), data, options.seed());
        }
        if (test == null) {
            test = empty(labels, target, "test");
            testSource = "none (no test split and --holdout 0)";
        }
        List<String> skipped = new ArrayList<>();
        int[] counts = train.classCounts();
        List<Integer> keep = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) continue;
            if (counts[c] < options.minImagesPerClass()) {
                skipped.add(String.format(Locale.ROOT, "class '%s' (%s): %d training %s, below the minimum of %d "
                                + "(--min-images-per-class); skipped, no module is trained for it", labels.get(c),
                        read.sources().getOrDefault(labels.get(c), data.toString()), counts[c],
                        counts[c] == 1 ? "image" : "images", options.minImagesPerClass()));
            } else {
                keep.add(c);
            }
        }
        if (keep.size() < countPresent(counts)) {
            train = keep.isEmpty() ? empty(labels, target, "train")
                    : Datasets.filterClasses(train, train.name(), keep.stream().mapToInt(Integer::intValue).toArray());
        }
        if (train.size() == 0 && test.size() == 0 && refused.isEmpty() && skipped.isEmpty()) {
            refused.add(new RefusedFile(data.toString(), "holds no images; expected " + layoutHint(options.format())
                    + " with labels from " + labels));
        }
        refused.sort(java.util.Comparator.comparing(RefusedFile::path));
        return new SiteDataset(train, test, testSource, refused, skipped, notes);
    }

    private static Read folders(Path data, List<String> labels, ImageSpec target, SizePolicy sizes,
                                List<RefusedFile> refused, List<String> notes) throws IOException {
        if (!Files.isDirectory(data)) {
            refused.add(new RefusedFile(data.toString(), "is not a directory; --format folder needs a folder tree"));
            return new Read(null, null, "", Map.of());
        }
        Path trainDir = data.resolve("train");
        Path testDir = data.resolve("test");
        boolean split = (Files.isDirectory(trainDir) && !labels.contains("train"))
                || (Files.isDirectory(testDir) && !labels.contains("test"));
        Map<String, String> sources = new TreeMap<>();
        if (!split) {
            FolderScan all = ImageFolder.scan(data, labels, target, sizes);
            collect(all, refused, notes, sources);
            return new Read(all.data(), null, "", sources);
        }
        try (var entries = Files.list(data)) {
            entries.filter(p -> !p.equals(trainDir) && !p.equals(testDir) && !p.getFileName().toString().startsWith("."))
                    .sorted().findFirst().ifPresent(p -> notes.add("ignored in " + data + " (only train/ and test/ are read): "
                            + p.getFileName()));
        }
        Dataset train = null, test = null;
        if (Files.isDirectory(trainDir)) {
            FolderScan s = ImageFolder.scan(trainDir, labels, target, sizes);
            collect(s, refused, notes, sources);
            train = s.data();
        }
        if (Files.isDirectory(testDir)) {
            FolderScan s = ImageFolder.scan(testDir, labels, target, sizes);
            collect(s, refused, notes, new TreeMap<>());
            test = s.data();
        }
        return new Read(train, test, "the test folder " + testDir, sources);
    }

    private static void collect(FolderScan s, List<RefusedFile> refused, List<String> notes, Map<String, String> sources) {
        refused.addAll(s.refused());
        notes.addAll(s.notes());
        s.folders().forEach((label, dir) -> sources.put(label, dir.toString()));
    }

    /** One split of an array format, read by {@link SplitReader}; null where the data has no such split. */
    private record Source(Dataset data, String file) {
    }

    private interface SplitReader {
        Source read(Split split) throws IOException;
    }

    private static Read arrays(Path data, List<String> labels, ImageSpec target, SizePolicy sizes,
                               List<RefusedFile> refused, List<String> notes, SplitReader reader) {
        Dataset[] splits = new Dataset[2];
        String testFile = "";
        Map<String, String> sources = new TreeMap<>();
        for (Split split : List.of(Split.TRAIN, Split.TEST)) {
            Source s;
            try {
                s = reader.read(split);
            } catch (MalformedDataException e) {
                refused.add(RefusedFile.of(e));
                continue;
            } catch (IOException e) {
                refused.add(new RefusedFile(data.toString(), e.getMessage()));
                continue;
            }
            if (s == null) continue;
            Dataset d = conform(s.data(), target, sizes, s.file(), refused, notes);
            if (d == null) continue;
            splits[split == Split.TRAIN ? 0 : 1] = d;
            if (split == Split.TEST) testFile = s.file();
            else for (String l : labels) sources.put(l, s.file());
        }
        return new Read(splits[0], splits[1], "the test split " + testFile, sources);
    }

    /** The array's images in the federation's spec: same channels, resized only under the resize policy. */
    private static Dataset conform(Dataset d, ImageSpec target, SizePolicy sizes, String file,
                                   List<RefusedFile> refused, List<String> notes) {
        ImageSpec have = d.spec();
        if (have.channels() != target.channels()) {
            refused.add(new RefusedFile(file, "images have " + have.channels() + " channels but the federation's have "
                    + target.channels()));
            return null;
        }
        if (have.valueMin() < target.valueMin() || have.valueMax() > target.valueMax()) {
            refused.add(new RefusedFile(file, "values in [" + have.valueMin() + ", " + have.valueMax()
                    + "] are outside the federation's [" + target.valueMin() + ", " + target.valueMax() + "]"));
            return null;
        }
        if (have.height() == target.height() && have.width() == target.width()) return d;
        String sizeText = have.width() + "x" + have.height() + " (width x height)";
        if (sizes == SizePolicy.REFUSE) {
            refused.add(new RefusedFile(file, "images are " + sizeText + " but the federation's are " + target.width() + "x"
                    + target.height() + "; choose the resize policy to have them resized"));
            return null;
        }
        notes.add(d.size() + " images of " + file + " resized from " + sizeText + " to " + target.width() + "x"
                + target.height() + " (antialiased bilinear)"
                + ((long) have.width() * target.height() != (long) have.height() * target.width() ? "; aspect ratio changed" : ""));
        Dataset resized = Datasets.resize(d, d.name(), target.height(), target.width());
        return new Dataset(d.name(), target, d.labelNames(), resized.pixelsView(), d.labels());
    }

    /** Relabels by class name into the federation's labels; records of other classes are refused, per class. */
    static Dataset byName(Dataset d, List<String> labels, String file, List<RefusedFile> refused) {
        int[] to = new int[d.numClasses()];
        int[] counts = d.classCounts();
        for (int c = 0; c < d.numClasses(); c++) {
            to[c] = labels.indexOf(d.labelNames().get(c));
            if (to[c] < 0 && counts[c] > 0) {
                refused.add(new RefusedFile(file, counts[c] + " records of class '" + d.labelNames().get(c)
                        + "', which is not one of the federation's labels " + labels));
            }
        }
        int[] keep = java.util.stream.IntStream.range(0, d.size()).filter(i -> to[d.label(i)] >= 0).toArray();
        Dataset kept = d.subset(d.name(), keep);
        int[] relabelled = Arrays.stream(kept.labels()).map(l -> to[l]).toArray();
        return new Dataset(d.name(), d.spec(), labels, kept.pixelsView(), relabelled);
    }

    /**
     * {train indices, held-out indices}, each ascending: a seeded draw of a fraction of every class (a
     * class of one image is kept whole for training).
     */
    public static int[][] holdout(Dataset d, double fraction, long seed) {
        boolean[] held = new boolean[d.size()];
        for (int c = 0; c < d.numClasses() && fraction > 0; c++) {
            int[] idx = Datasets.indicesOfClass(d, c);
            if (idx.length < 2) continue;
            for (int i : HoldOut.split(idx.length, fraction, SplitMix64.derive(seed, "test-hold-out", c)).heldOut()) {
                held[idx[i]] = true;
            }
        }
        int[] train = java.util.stream.IntStream.range(0, d.size()).filter(i -> !held[i]).toArray();
        int[] test = java.util.stream.IntStream.range(0, d.size()).filter(i -> held[i]).toArray();
        return new int[][] {train, test};
    }

    private static int countPresent(int[] counts) {
        return (int) Arrays.stream(counts).filter(n -> n > 0).count();
    }

    private static Dataset empty(List<String> labels, ImageSpec spec, String name) {
        return new Dataset(name, spec, labels, new float[0], new int[0]);
    }

    private static String layoutHint(Format format) {
        return switch (format) {
            case FOLDER -> "<data>/<label>/*.png, or <data>/train/<label>/*.png and <data>/test/<label>/*.png (PNG or JPEG)";
            case IDX -> "train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] (and the t10k- pair)";
            case NPZ -> "a MedMNIST .npz with train_images and train_labels";
            case CIFAR10 -> "CIFAR-10 binary batches data_batch_1..5.bin (and test_batch.bin)";
        };
    }

    private static Path existing(Path dir, String base) {
        for (String candidate : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private SiteData() {
    }
}
