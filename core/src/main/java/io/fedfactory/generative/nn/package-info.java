/**
 * Networks written once against {@link io.fedfactory.generative.nn.TensorOps} and run two ways: on
 * DJL arrays (training, and the reference the export is checked against) and as ONNX nodes (export),
 * so the trained and the exported computation cannot drift apart. Also the engine-independent weight
 * container, seeded initialization, batch order and the PyTorch thread pinning trainers rely on.
 */
package io.fedfactory.generative.nn;
