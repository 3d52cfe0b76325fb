/**
 * The format-neutral view of a stored array: {@link io.github.embeddinggeometry.io.tensor.Tensor}
 * (shape, {@link io.github.embeddinggeometry.io.tensor.DType}, widening to float32 or float64) and
 * {@link io.github.embeddinggeometry.io.tensor.MalformedFileException}, the {@code IOException}
 * every reader throws for a broken file, naming the file, the field and the problem.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.io.tensor;
