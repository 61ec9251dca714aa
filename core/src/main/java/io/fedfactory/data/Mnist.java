package io.fedfactory.data;

import java.io.IOException;
import java.nio.file.Path;

/** MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grey, classes "0".."9". */
public final class Mnist {

    private static final IdxCollection FILES =
            new IdxCollection("mnist", "MNIST", "datasets/mnist", LabelNames.numbered(10));

    private Mnist() {}

    /** Loads a split from the classpath; needs {@code org.jetbrains.kotlinx:kotlin-deeplearning-api:0.1.1}. */
    public static Dataset load(Split split) throws IOException {
        return FILES.fromClasspath(split);
    }

    /** Loads a split from a directory holding the standard IDX file names, gzipped or not. */
    public static Dataset fromDirectory(Path dir, Split split) throws IOException {
        return FILES.fromDirectory(dir, split);
    }
}
