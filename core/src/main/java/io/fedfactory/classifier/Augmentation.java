package io.fedfactory.classifier;

/**
 * Training-time image augmentation, drawn from a seeded generator so runs repeat exactly.
 *
 * @param cropPadding    pixels of padding (filled with the spec's minimum value) added on every
 *                       side before a random crop back to the original size; 0 turns cropping off
 * @param horizontalFlip whether each image is mirrored left-right with probability 1/2; leave it
 *                       off for data whose meaning changes under mirroring (digits, text)
 */
public record Augmentation(int cropPadding, boolean horizontalFlip) {

    /** Largest padding accepted; more than this crops mostly padding out of small images. */
    public static final int MAX_CROP_PADDING = 8;

    public Augmentation {
        if (cropPadding < 0 || cropPadding > MAX_CROP_PADDING) {
            throw new IllegalArgumentException("augmentation.cropPadding must be in [0, " + MAX_CROP_PADDING
                    + "], got " + cropPadding);
        }
    }

    public static Augmentation none() {
        return new Augmentation(0, false);
    }

    /** Random crop with {@code padding} and horizontal flips, the usual choice for small natural images. */
    public static Augmentation cropAndFlip(int padding) {
        return new Augmentation(padding, true);
    }

    public boolean enabled() {
        return cropPadding > 0 || horizontalFlip;
    }
}
