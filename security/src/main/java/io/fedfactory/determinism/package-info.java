/**
 * Determinism in one place: {@link io.fedfactory.determinism.SplitMix64}, the seeded stream and the
 * derivation of every seed from a root and a purpose, and {@link io.fedfactory.determinism.ContentHash},
 * the SHA-256 every artifact is named and checked by.
 */
package io.fedfactory.determinism;
