package io.fedfactory.generative;

import java.util.Objects;

/** A class a module covers: its index in the federation's label list and its name there. */
public record ClassLabel(int index, String name) {

    /** Longest class name accepted. */
    public static final int MAX_NAME_LENGTH = 256;

    public ClassLabel {
        Objects.requireNonNull(name, "class name");
        if (index < 0) {
            throw new IllegalArgumentException("class index must be >= 0, got " + index);
        }
        if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("class name must be non-blank and at most " + MAX_NAME_LENGTH
                    + " characters, got '" + name + "'");
        }
    }
}
