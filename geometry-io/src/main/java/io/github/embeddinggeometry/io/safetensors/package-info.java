/**
 * The safetensors format: {@link io.github.embeddinggeometry.io.safetensors.SafetensorsFile}
 * validates the header (dtypes, shapes, offsets that tile the data exactly) before mapping the
 * data, also beyond 2 GiB; {@link io.github.embeddinggeometry.io.safetensors.SafetensorsWriter}
 * writes a file whole or not at all.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.io.safetensors;
