package io.fedfactory.data;

/** The conventional splits a public dataset ships with. */
public enum Split {
    TRAIN("train"),
    VALIDATION("val"),
    TEST("test");

    private final String shortName;

    Split(String shortName) {
        this.shortName = shortName;
    }

    /** The name archives use for the split: "train", "val", "test". */
    public String shortName() {
        return shortName;
    }
}
