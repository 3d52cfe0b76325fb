package io.github.embeddinggeometry.cli.report;

/**
 * Points coloured by a value.
 *
 * @param values one value per point
 * @param scale how values map to colours
 * @param label the colourbar's label
 */
public record Colouring(double[] values, Scale scale, String label) {}
