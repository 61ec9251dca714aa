package io.fedfactory.data;

/** What happens to an image whose size differs from the federation's image spec. */
public enum SizePolicy {
    /** The image is refused, naming its size and the expected one (the default: nothing changes silently). */
    REFUSE,
    /**
     * The image is resized to the spec's height and width with {@link Resampling} (antialiased bilinear);
     * the aspect ratio is not kept. Every resize is reported: how many files, from which sizes, and
     * which of them changed aspect ratio.
     */
    RESIZE
}
