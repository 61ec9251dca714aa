package io.fedfactory.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A published IDX dataset (MNIST, Fashion-MNIST): its four conventionally named files, found either
 * as classpath resources of the one Maven artifact that carries them or in a directory.
 */
record IdxCollection(String id, String displayName, String resourceDir, List<String> labelNames) {

    /** The only artifact on Maven Central known to carry the full IDX files (later versions dropped them). */
    static final String ARTIFACT = "org.jetbrains.kotlinx:kotlin-deeplearning-api:0.1.1";

    Dataset fromClasspath(Split split) throws IOException {
        String images = resourceDir + "/" + fileStem(split, "images-idx3-ubyte") + ".gz";
        String labels = resourceDir + "/" + fileStem(split, "labels-idx1-ubyte") + ".gz";
        try (InputStream im = open(images); InputStream lb = open(labels)) {
            return IdxFormat.load(datasetName(split), im, "classpath:" + images, lb, "classpath:" + labels, labelNames);
        }
    }

    Dataset fromDirectory(Path dir, Split split) throws IOException {
        Path images = find(dir, fileStem(split, "images-idx3-ubyte"));
        Path labels = find(dir, fileStem(split, "labels-idx1-ubyte"));
        return IdxFormat.load(datasetName(split), images, labels, labelNames);
    }

    private String datasetName(Split split) {
        return id + "-" + split.shortName();
    }

    private String fileStem(Split split, String suffix) {
        return switch (split) {
            case TRAIN -> "train-" + suffix;
            case TEST -> "t10k-" + suffix;
            case VALIDATION -> throw new IllegalArgumentException(
                    displayName + " has no validation split; carve one from TRAIN with a partition");
        };
    }

    private InputStream open(String resource) throws IOException {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        InputStream in = context != null ? context.getResourceAsStream(resource) : null;
        if (in == null) in = IdxCollection.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new FileNotFoundException(displayName + " resource " + resource + " is not on the classpath: add the"
                    + " Maven artifact " + ARTIFACT + " (with all its transitive dependencies excluded;"
                    + " only version 0.1.1 holds the data)");
        }
        return in;
    }

    private static Path find(Path dir, String stem) throws IOException {
        for (String name : new String[] {stem + ".gz", stem}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new FileNotFoundException(dir + ": holds neither " + stem + ".gz nor " + stem);
    }
}
