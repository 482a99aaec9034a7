/** Colour legend from the API's legend metadata: a colour bar (smooth or stepped), swatches for categories. */
import { legendBar } from '../lib/legend';
import type { Legend as LegendData } from '../lib/types';

interface Props {
  legend: LegendData;
  title: string;
}

function Bar({ legend }: { legend: LegendData }) {
  const bar = legendBar(legend);
  return (
    <div className="ramp">
      <div className="bar" style={{ background: bar.background }} />
      <div className="ticks">
        {bar.ticks.map((t) => (
          <span key={`${t.pos}-${t.text}`} style={{ left: `${t.pos}%` }}>
            {t.text}
          </span>
        ))}
      </div>
    </div>
  );
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
        <Bar legend={legend} />
      )}
    </div>
  );
}
