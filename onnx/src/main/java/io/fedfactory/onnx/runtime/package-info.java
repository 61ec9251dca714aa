/**
 * The one ONNX Runtime execution layer: every session of the project is opened by {@link
 * io.fedfactory.onnx.runtime.OnnxModel} with the pinned options of {@link io.fedfactory.onnx.runtime.SessionSettings},
 * and runs float32 graphs through reusable direct buffers. Load and run failures are typed
 * ({@link io.fedfactory.onnx.runtime.OnnxLoadException}, {@link io.fedfactory.onnx.runtime.OnnxRunException})
 * and name the model.
 */
package io.fedfactory.onnx.runtime;
