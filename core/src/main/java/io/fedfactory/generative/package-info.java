/**
 * Generative modules: what a site trains on the images of one class and ships once.
 *
 * <p>A module is ONNX bytes plus a {@link io.fedfactory.generative.ModuleManifest}; its id is the
 * SHA-256 of the bytes. {@link io.fedfactory.generative.ModuleKind} fixes the graph's contract:
 * a {@code diffusion} module is an EDM-preconditioned denoiser sampled with EDM's deterministic Heun
 * sampler, a {@code decoder} module maps a standard-normal latent to an image in one pass, and a
 * {@code latent-diffusion} module is an EDM denoiser on its own autoencoder's latents with that
 * autoencoder's decoder ({@code latent}). The trainers here ({@code diffusion.DiffusionTrainer},
 * {@code decoder.DecoderTrainer}, {@code latent.LatentDiffusionTrainer}) use DJL with the
 * PyTorch engine; {@link io.fedfactory.generative.ModuleSampler} samples any module, however it was
 * trained, with ONNX Runtime from its bytes and manifest alone.
 *
 * <p>Determinism: every random number (weight initialization, batch order, training noise, sampling
 * noise) comes from {@link io.fedfactory.determinism.SplitMix64}, never from an engine's RNG or the
 * clock. Training gives the same bytes for the same data, configuration and thread count. Sample i is
 * a pure function of its seed: for modules exported here it is bit-identical whatever the batch size
 * or ONNX Runtime thread count, because every approximate elementwise operation runs on per-sample
 * rows whose length is a multiple of 16 floats (see {@code diffusion.UNet}).
 */
package io.fedfactory.generative;
