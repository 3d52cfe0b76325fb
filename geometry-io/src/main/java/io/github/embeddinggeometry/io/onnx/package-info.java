/**
 * Initializers (weights) of ONNX models: {@link
 * io.github.embeddinggeometry.io.onnx.OnnxInitializers} lists and reads them, with their data
 * inside the model or in external files next to it.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.io.onnx;
