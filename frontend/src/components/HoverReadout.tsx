/** The sampled value next to the pointer; renders nothing when there is no value (outside data, 204). */
import type { Sample } from '../lib/types';

interface Props {
  sample: Sample | null;
  x: number;
  y: number;
}

export function HoverReadout({ sample, x, y }: Props) {
  if (!sample) return null;
  return (
    <div className="readout" data-testid="hover-value" data-value={sample.value} style={{ left: x + 14, top: y + 14 }}>
      <strong>{sample.value.toFixed(1)}</strong> {sample.units}
      <div className="coords">
        {Math.abs(sample.lat).toFixed(2)}°{sample.lat >= 0 ? 'N' : 'S'} {Math.abs(sample.lon).toFixed(2)}°
        {sample.lon >= 0 ? 'E' : 'W'}
      </div>
    </div>
  );
}
