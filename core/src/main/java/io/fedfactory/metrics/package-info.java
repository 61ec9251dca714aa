/**
 * Scoring a classifier against the truth: accuracy, balanced accuracy, one-vs-rest AUROC, per-class
 * precision, recall and F1, and the confusion matrix, gathered in one immutable report.
 */
package io.fedfactory.metrics;
