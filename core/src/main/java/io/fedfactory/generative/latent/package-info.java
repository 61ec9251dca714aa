/**
 * Latent-diffusion modules: the site's own autoencoder ({@link io.fedfactory.generative.decoder.Vae}) and
 * an EDM denoiser on its standardized latents ({@link io.fedfactory.generative.latent.LatentDenoiser}),
 * exported together as one ONNX graph ({@link io.fedfactory.generative.latent.LatentDiffusionGraph}) and
 * sampled with EDM's Heun sampler on the latent, then decoded once
 * ({@link io.fedfactory.generative.latent.LatentHeunSampler}). The denoiser is the module's prior: it
 * learns where the class's latents lie, several modes included, where a decoder module's fitted Gaussian
 * covers them with one ellipsoid. Training takes a CPU minute or two per class, where a pixel-space
 * diffusion model needs GPU-scale budgets.
 */
package io.fedfactory.generative.latent;
