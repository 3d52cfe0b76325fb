package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.metric.CausalMetric;

/**
 * Notebook "Local Density vs Causal Norm" as one analysis: is the "void" at small causal norms
 * truly sparse or only rarely populated? A k-NN density field in the causal metric, set against
 * each row's causal norm: the log volumetric density, the radial profile and the core/shell/outer
 * regions.
 *
 * @param field the k-NN density of the rows, in the causal metric (1/logometers)
 * @param causalNorms each row's causal norm (logometers), in the order of the field's rows
 * @param dEff the effective dimension of the volumetric density
 * @param logVolumetric each row's log volumetric density (+infinity for k exact duplicates)
 * @param profile mean density per causal-norm bin
 * @param regions density of the core, shell and outer regions of the norm
 * @since 0.1
 */
public record DensityVsNorm(
    DensityField field,
    double[] causalNorms,
    int dEff,
    double[] logVolumetric,
    RadialProfile profile,
    CoreShellOuter regions) {

  /**
   * Causal norms, log volumetric density, radial profile and regions of a causal k-NN field.
   *
   * @param field a k-NN density field computed in the metric {@code m}
   * @param m the causal metric of the field
   * @param dEff the effective dimension (e.g. {@link DensityField#effectiveDimension} of the
   *     participation ratio)
   * @param bins bins of the radial profile
   * @param progress told about the norm pass
   * @return the analysis
   */
  public static DensityVsNorm of(
      DensityField field, CausalMetric m, int dEff, int bins, ProgressListener progress) {
    double[] norms = CausalNorms.norms(field.matrix(), m, progress);
    double[] density = field.densities();
    double[] logVolumetric = field.logVolumetric(dEff);
    RadialProfile profile = RadialProfile.of(norms, density, bins);
    return new DensityVsNorm(
        field, norms, dEff, logVolumetric, profile, CoreShellOuter.of(norms, density));
  }

  /**
   * The notebook's reading of the core/shell density ratio.
   *
   * @return the verdict
   */
  public Verdicts.CoreShell verdict() {
    return Verdicts.CoreShell.of(regions.coreShellRatio());
  }
}
