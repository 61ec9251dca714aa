/**
 * From modules to a class-balanced synthetic dataset.
 *
 * <p>A {@link io.fedfactory.synthesis.SynthesisPlanner} (a swappable strategy; the default is
 * {@link io.fedfactory.synthesis.EvenSplitPlanner}) decides how many samples each module gives its
 * class. The {@link io.fedfactory.synthesis.Synthesizer} samples each module with ONNX Runtime,
 * sample i from {@link io.fedfactory.determinism.SplitMix64#derive}(federation seed, "sample", module id, i),
 * and writes one shard file per module ({@link io.fedfactory.synthesis.ShardHeader} documents the
 * format) crash-safely: temporary name, fsync, atomic rename. Shard names carry everything their
 * content depends on, so an existing valid shard is reused. {@link io.fedfactory.synthesis.ShardReader}
 * joins shards into one dataset in module-id order, so the same modules always give the same dataset.
 */
package io.fedfactory.synthesis;
