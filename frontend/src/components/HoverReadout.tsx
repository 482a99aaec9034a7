/** The sampled value next to the pointer; renders nothing when there is no value (outside data, 204). */
import { formatSample } from '../lib/readout';
import type { Sample } from '../lib/types';

interface Props {
  sample: Sample | null;
  decimals: number;
  x: number;
  y: number;
}

export function HoverReadout({ sample, decimals, x, y }: Props) {
  if (!sample) return null;
  // Near the right or bottom edge the box goes to the other side of the pointer so it stays on screen.
  const left = x > window.innerWidth - 180 ? x - 160 : x + 14;
  const top = y > window.innerHeight - 80 ? y - 56 : y + 14;
  return (
    <div className="readout" data-testid="hover-value" data-value={sample.value} style={{ left, top }}>
      <strong>{formatSample(sample, decimals)}</strong>
      <div className="coords">
        {Math.abs(sample.lat).toFixed(2)}°{sample.lat >= 0 ? 'N' : 'S'} {Math.abs(sample.lon).toFixed(2)}°
        {sample.lon >= 0 ? 'E' : 'W'}
      </div>
    </div>
  );
}
