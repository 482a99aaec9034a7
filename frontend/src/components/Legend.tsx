/** Colour legend from the API's legend metadata: a colour bar (smooth or stepped), swatches for categories. */
import { useLayoutEffect, useRef, useState } from 'react';
import { legendBar } from '../lib/legend';
import type { Legend as LegendData } from '../lib/types';

interface Props {
  legend: LegendData;
  title: string;
}

/** The element's width in pixels, kept current as the layout changes (wide ↔ narrow). */
function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

function Bar({ legend }: { legend: LegendData }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const bar = legendBar(legend, width);
  return (
    <div className="ramp">
      <div className="bar" ref={ref} style={{ background: bar.background }} />
      <div className="ticks" data-testid="legend-ticks">
        {bar.ticks.map((t) => (
          <span key={`${t.pos}-${t.text}`} className={t.anchor} style={{ left: `${t.pos}%` }}>
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
