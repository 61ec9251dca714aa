/**
 * Engine set-up shared by everything that trains with DJL: the PyTorch engine, pinned thread counts
 * and seeds, and serialization of training within a JVM.
 */
package io.fedfactory.djl;
