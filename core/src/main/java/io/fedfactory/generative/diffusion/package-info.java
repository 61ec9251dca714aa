/**
 * Diffusion modules (Karras et al. 2022, "EDM"): a small UNet with EDM preconditioning trained with
 * EDM's loss weighting and log-normal training noise (FederatedFactory's P_mean -0.8, P_std 1.6), and
 * EDM's deterministic Heun sampler. Modules work on data scaled linearly to [-1, 1].
 */
package io.fedfactory.generative.diffusion;
