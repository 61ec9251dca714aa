/**
 * Decoder modules: a small MLP variational autoencoder whose decoder is exported. One network pass
 * per batch, so they train and sample orders of magnitude faster than diffusion modules on a CPU.
 */
package io.fedfactory.generative.decoder;
