package io.fedfactory.bench;

import io.fedfactory.data.RefusedFile;

import java.util.List;

/**
 * A dataset of a site's format that could not be read as given: every refused file, each with its path
 * and what is wrong with it. Nothing was trained. A bad setting, so the command exits with status 2.
 */
final class DatasetRefusedException extends IllegalArgumentException {

    private final transient List<RefusedFile> refused;

    DatasetRefusedException(String format, List<RefusedFile> refused) {
        super("dataset=" + format + ": " + RefusedFile.describe(refused) + "\nnothing was trained; fix or remove these files");
        this.refused = List.copyOf(refused);
    }

    /** Every file not accepted, with why. */
    List<RefusedFile> refused() {
        return refused;
    }
}
