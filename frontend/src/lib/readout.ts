/**
 * Text of the hover readout for a sample, e.g. "34.2 °F", "0.25 in", or "35 dBZ snow" for a class-coded
 * variable; `decimals` is what the variable's legend says its units deserve.
 */
import type { Sample } from './types';

export function formatSample(sample: Sample, decimals = 1): string {
  const value = `${sample.value.toFixed(decimals)} ${sample.units}`;
  return sample.ptype_label ? `${value} ${sample.ptype_label.toLowerCase()}` : value;
}
