/**
 * Privacy of modules: what a site checks before a module leaves it, and what the aggregator holds
 * every module to.
 *
 * <ul>
 *   <li>{@link io.fedfactory.privacy.MemorizationAudit}: samples a module and compares each sample's
 *       distance to the nearest training image with the distances of held-out images that the module
 *       never saw, in pixel space and in a PCA space fitted on the site's training images; the result
 *       is a {@link io.fedfactory.privacy.MemorizationReport} whose numbers and verdict travel in the
 *       manifest (never images).</li>
 *   <li>{@link io.fedfactory.privacy.RdpAccountant}: epsilon at delta for DP-SGD, from the sampling
 *       rate, noise multiplier and steps; a module trained in several phases composes them in one
 *       accountant ({@link io.fedfactory.privacy.DpGuarantee#then}).</li>
 *   <li>{@link io.fedfactory.privacy.DpSgd}: per-microbatch clipping and Gaussian noise for the DJL
 *       module trainers, on Poisson-sampled batches (the sampling the accountant assumes).</li>
 * </ul>
 */
package io.fedfactory.privacy;
