package io.fedfactory.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Zalando, MIT licence): 60,000 training and 10,000 test images, 28x28 grey, ten
 * clothing classes.
 */
public final class FashionMnist {

    /** Class names in label order, as published by Zalando. */
    public static final List<String> LABEL_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Where Debian's dataset-fashion-mnist package installs the files. */
    public static final Path DEBIAN_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

    private static final IdxCollection FILES =
            new IdxCollection("fashion-mnist", "Fashion-MNIST", "datasets/fashionmnist", LABEL_NAMES);

    private FashionMnist() {}

    /** Loads a split from the classpath; needs {@code org.jetbrains.kotlinx:kotlin-deeplearning-api:0.1.1}. */
    public static Dataset load(Split split) throws IOException {
        return FILES.fromClasspath(split);
    }

    /** Loads a split from a directory holding the standard IDX file names, gzipped or not. */
    public static Dataset fromDirectory(Path dir, Split split) throws IOException {
        return FILES.fromDirectory(dir, split);
    }
}
