/** Hover text of the compare views: both sides' values (side by side) or A − B with both (difference). */
import type { DiffSample, Sample } from '../lib/types';
import { formatSample } from '../lib/readout';

interface Props {
  a: Sample | null;
  b: Sample | null;
  diff: DiffSample | null;
  x: number;
  y: number;
}

const signed = (v: number) => `${v > 0 ? '+' : ''}${v.toFixed(1)}`;

export function CompareReadout({ a, b, diff, x, y }: Props) {
  if (!a && !b && !diff) return null;
  const left = x > window.innerWidth - 220 ? x - 200 : x + 14;
  const top = y > window.innerHeight - 80 ? y - 56 : y + 14;
  return (
    <div className="readout" data-testid="compare-value" style={{ left, top }}>
      {diff ? (
        <>
          <strong data-testid="diff-value" data-value={diff.value}>A − B {signed(diff.value)} {diff.units}</strong>
          <div className="coords">A {diff.a.toFixed(1)} · B {diff.b.toFixed(1)}</div>
        </>
      ) : (
        <>
          <div data-testid="value-a">A {a ? formatSample(a) : '–'}</div>
          <div data-testid="value-b">B {b ? formatSample(b) : '–'}</div>
          {a && b && a.units === b.units && !a.ptype && (
            <div className="coords">A − B {signed(a.value - b.value)} {a.units}</div>
          )}
        </>
      )}
    </div>
  );
}
