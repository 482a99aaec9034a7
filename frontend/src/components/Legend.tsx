/** Colour legend from the API's legend metadata: a gradient for continuous fields, swatches for categories. */
import type { Legend as LegendData } from '../lib/types';

interface Props {
  legend: LegendData;
  title: string;
}

function gradient(legend: LegendData): string {
  const lo = legend.stops[0].value;
  const span = legend.stops[legend.stops.length - 1].value - lo || 1;
  const parts = legend.stops.map((s) => `${s.color} ${(((s.value - lo) / span) * 100).toFixed(2)}%`);
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

/** At most ~6 tick labels: every labelled stop plus evenly spaced ones, none crowding a labelled one. */
function ticks(legend: LegendData): { pos: number; text: string }[] {
  const lo = legend.stops[0].value;
  const span = legend.stops[legend.stops.length - 1].value - lo || 1;
  const pos = (v: number) => ((v - lo) / span) * 100;
  const labelled = legend.stops.filter((s) => s.label).map((s) => ({ pos: pos(s.value), text: s.label! }));
  const every = Math.max(1, Math.ceil(legend.stops.length / 6));
  const spaced = legend.stops
    .filter((s, i) => !s.label && (i % every === 0 || i === legend.stops.length - 1))
    .map((s) => ({ pos: pos(s.value), text: String(s.value) }))
    .filter((t) => labelled.every((l) => Math.abs(l.pos - t.pos) > 8));
  return [...spaced, ...labelled].sort((a, b) => a.pos - b.pos);
}

export function Legend({ legend, title }: Props) {
  if (legend.stops.length === 0) return null;
  return (
    <div className="panel legend" data-testid="legend">
      <div className="legend-title">
        {title} ({legend.units})
      </div>
      {legend.kind === 'categorical' ? (
        <ul className="swatches">
          {legend.stops.map((s) => (
            <li key={`${s.value}-${s.color}`}>
              <i style={{ background: s.color }} />
              {s.label ?? s.value}
            </li>
          ))}
        </ul>
      ) : (
        <div className="ramp">
          <div className="bar" style={{ background: gradient(legend) }} />
          <div className="ticks">
            {ticks(legend).map((t) => (
              <span key={`${t.pos}-${t.text}`} style={{ left: `${t.pos}%` }}>
                {t.text}
              </span>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
