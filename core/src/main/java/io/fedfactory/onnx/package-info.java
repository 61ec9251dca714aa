/** Building ONNX graphs from trained weights, so ONNX Runtime can sample and serve what DJL trained. */
package io.fedfactory.onnx;
