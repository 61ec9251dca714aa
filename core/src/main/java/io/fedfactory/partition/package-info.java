/**
 * Splitting a dataset over federation sites: the one-class-per-site silos of the paper, k classes per
 * site, and Dirichlet label skew. Every split is a pure function of the labels and a seed.
 */
package io.fedfactory.partition;
