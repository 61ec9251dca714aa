/**
 * The global classifier: a small ResNet described by a {@link io.fedfactory.classifier.ClassifierRecipe},
 * trained with DJL (PyTorch engine) by {@link io.fedfactory.classifier.ClassifierTrainer}, exported to
 * ONNX by {@link io.fedfactory.classifier.ClassifierOnnxExport} and served by
 * {@link io.fedfactory.classifier.OnnxClassifier} in ONNX Runtime.
 *
 * <p>Reproducibility: initial weights are drawn in Java from the recipe's seed
 * ({@link io.fedfactory.classifier.SeededInitialization}), batches are shuffled and augmented from
 * seeds derived from it ({@link io.fedfactory.classifier.TrainingBatches}), and the engine's thread
 * count is pinned to the recipe's, so the same data and recipe give bit-identical weights in any JVM;
 * {@link io.fedfactory.classifier.ClassifierWeights#sha256()} names them.
 *
 * <p>Decisions: BatchNorm uses PyTorch's defaults (momentum 0.1, epsilon 1e-5) and is exported as
 * BatchNormalization nodes over the stored running statistics rather than folded, so the ONNX
 * initializers are the hashed weights; SGD follows torch.optim.SGD (weight decay on every parameter);
 * the cosine schedule is applied per step; a final batch of one image is dropped.
 */
package io.fedfactory.classifier;
