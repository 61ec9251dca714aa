package io.fedfactory.generative;

/**
 * How a module turns noise into images; decides the ONNX graph's contract and the sampler.
 *
 * <ul>
 *   <li>{@link #DIFFUSION}: the graph is an EDM-preconditioned denoiser {@code D(x; sigma)} with inputs
 *       {@code x} [N,C,H,W] and {@code sigma} [N] and output {@code denoised} [N,C,H,W]. It works on
 *       data scaled linearly from the image spec's value range to [-1, 1]; an iterative sampler
 *       (deterministic Heun) integrates it from noise.</li>
 *   <li>{@link #DECODER}: the graph maps a latent {@code z} [N,latent] drawn from N(0, I) to
 *       {@code image} [N,C,H,W] in the spec's value range, in one pass.</li>
 *   <li>{@link #LATENT_DIFFUSION}: the graph is an EDM-preconditioned denoiser in the latent space of
 *       the site's own autoencoder, with that autoencoder's decoder: inputs {@code x} [N,latent] and
 *       {@code sigma} [N]; outputs {@code denoised} [N,latent] and {@code image} [N,C,H,W], the decoder
 *       applied to {@code denoised}, in the spec's value range. The Heun sampler integrates the latent
 *       and the image of its last evaluation is the sample, so decoding happens once per sample.</li>
 * </ul>
 */
public enum ModuleKind {
    DIFFUSION("diffusion"),
    DECODER("decoder"),
    LATENT_DIFFUSION("latent-diffusion");

    private final String wireName;

    ModuleKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in manifests and on the wire. */
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name; the error lists the accepted names. */
    public static ModuleKind fromWireName(String name) {
        for (ModuleKind k : values()) {
            if (k.wireName.equals(name)) return k;
        }
        throw new IllegalArgumentException("module kind must be one of [diffusion, decoder, latent-diffusion], got '" + name + "'");
    }
}
