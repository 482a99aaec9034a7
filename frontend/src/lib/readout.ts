/** Text of the hover readout for a sample, e.g. "34.2 °F", or "35 dBZ snow" for radar by precipitation type. */
import type { Sample } from './types';

export function formatSample(sample: Sample): string {
  if (sample.ptype_label) return `${sample.value.toFixed(0)} ${sample.units} ${sample.ptype_label.toLowerCase()}`;
  return `${sample.value.toFixed(1)} ${sample.units}`;
}
