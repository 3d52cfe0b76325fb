package io.github.embeddinggeometry.cli.report;

import java.nio.file.Path;

/**
 * Where a figure goes and what it is called.
 *
 * @param png the file to write
 * @param title the title
 * @param subtitle a line under the title, or null
 */
public record Figure(Path png, String title, String subtitle) {}
