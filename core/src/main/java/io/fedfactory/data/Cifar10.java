package io.fedfactory.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 in its binary distribution: each batch file is a run of 3073-byte records, one label byte
 * then 32x32 red, green and blue planes (already channel-first). Class names come from
 * {@code batches.meta.txt} beside the batches when present.
 */
public final class Cifar10 {

    /** Class names in label order, as in the distribution's batches.meta.txt. */
    public static final List<String> LABEL_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    public static final ImageSpec SPEC = ImageSpec.unitRange(3, 32, 32);

    static final int RECORD_BYTES = 1 + 3 * 32 * 32;

    private Cifar10() {}

    /**
     * The batch files of a split present in {@code dir}, in order: those of data_batch_1..5.bin that
     * exist for TRAIN (a site may keep only some), test_batch.bin for TEST; empty when there are none.
     */
    public static List<Path> batchesPresent(Path dir, Split split) {
        List<Path> present = new ArrayList<>();
        if (split == Split.TRAIN) {
            for (int i = 1; i <= 5; i++) present.add(dir.resolve("data_batch_" + i + ".bin"));
        } else if (split == Split.TEST) {
            present.add(dir.resolve("test_batch.bin"));
        }
        present.removeIf(p -> !Files.isRegularFile(p));
        return present;
    }

    /** The standard split from a directory: data_batch_1..5.bin for TRAIN, test_batch.bin for TEST. */
    public static Dataset fromDirectory(Path dir, Split split) throws IOException {
        List<Path> batches = new ArrayList<>();
        switch (split) {
            case TRAIN -> {
                for (int i = 1; i <= 5; i++) batches.add(dir.resolve("data_batch_" + i + ".bin"));
            }
            case TEST -> batches.add(dir.resolve("test_batch.bin"));
            case VALIDATION -> throw new IllegalArgumentException(
                    "CIFAR-10 has no validation split; carve one from TRAIN with a partition");
        }
        for (Path b : batches) {
            if (!Files.isRegularFile(b)) throw new FileNotFoundException(b + ": CIFAR-10 batch file not found");
        }
        return load("cifar10-" + split.shortName(), batches);
    }

    /**
     * Loads batch files in the given order. Class names come from batches.meta.txt in the first
     * batch's directory, or are the standard ten.
     */
    public static Dataset load(String name, List<Path> batches) throws IOException {
        if (batches.isEmpty()) throw new IllegalArgumentException("CIFAR-10 dataset " + name + ": no batch files given");
        List<String> names = labelNames(batches.get(0).toAbsolutePath().getParent());
        List<byte[]> contents = new ArrayList<>();
        long records = 0;
        for (Path b : batches) {
            byte[] bytes = Files.readAllBytes(b);
            if (bytes.length == 0) throw new MalformedDataException(b.toString(), "holds no records");
            if (bytes.length % RECORD_BYTES != 0) {
                int index = bytes.length / RECORD_BYTES;
                throw new MalformedDataException(b.toString(), "truncated record " + index + ": expected "
                        + RECORD_BYTES + " bytes (1 label + 3072 pixels), got " + bytes.length % RECORD_BYTES);
            }
            records += bytes.length / RECORD_BYTES;
            if (records * SPEC.pixels() > IdxFormat.MAX_ARRAY) {
                throw new MalformedDataException(b.toString(), "more than " + IdxFormat.MAX_ARRAY / SPEC.pixels()
                        + " records in all, the limit of one dataset");
            }
            contents.add(bytes);
        }
        int n = (int) records;
        int px = SPEC.pixels();
        float[] pixels = new float[n * px];
        int[] labels = new int[n];
        int i = 0;
        for (int f = 0; f < contents.size(); f++) {
            byte[] bytes = contents.get(f);
            for (int r = 0; r < bytes.length / RECORD_BYTES; r++, i++) {
                int offset = r * RECORD_BYTES;
                labels[i] = bytes[offset] & 0xFF;
                if (labels[i] >= names.size()) {
                    throw new MalformedDataException(batches.get(f).toString(), "record " + r + " has label "
                            + labels[i] + ", outside [0, " + names.size() + ") for " + names.size() + " label names");
                }
                for (int p = 0; p < px; p++) pixels[i * px + p] = Pixels.unit(bytes[offset + 1 + p] & 0xFF);
            }
        }
        return new Dataset(name, SPEC, names, pixels, labels);
    }

    /** Class names in label order: batches.meta.txt in {@code dir} when present, else the standard ten. */
    public static List<String> labelNames(Path dir) throws IOException {
        Path meta = dir.resolve("batches.meta.txt");
        if (!Files.isRegularFile(meta)) return LABEL_NAMES;
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(meta, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) names.add(line.strip());
        }
        if (names.isEmpty()) throw new MalformedDataException(meta.toString(), "lists no class names");
        return names;
    }
}
