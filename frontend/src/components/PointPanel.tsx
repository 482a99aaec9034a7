/**
 * The meteogram of the picked point: a side panel on a wide screen, a bottom sheet on a phone (CSS). Shows
 * where the point is, which models have no data there, and the three charts.
 */
import { useCallback, useMemo, useRef } from 'react';
import { chartData, modelsOutside, timeRange } from '../lib/meteogram';
import { perf } from '../lib/perf';
import type { PointSeries } from '../hooks/usePointSeries';
import type { LatLon } from '../lib/urls';
import { MeteogramChart } from './MeteogramChart';

interface Props {
  point: LatLon;
  series: PointSeries;
  /** Valid time of the frame on the map, ISO (the charts mark it). */
  currentTime: string | null;
  onClose: () => void;
}

/** Chart width: the panel's, which is the screen's on a phone. */
function chartWidth(): number {
  return Math.min(420, window.innerWidth - 24);
}

function where(point: LatLon): string {
  const ns = point.lat >= 0 ? 'N' : 'S';
  const ew = point.lon >= 0 ? 'E' : 'W';
  return `${Math.abs(point.lat).toFixed(2)}°${ns} ${Math.abs(point.lon).toFixed(2)}°${ew}`;
}

export function PointPanel({ point, series, currentTime, onClose }: Props) {
  const charts = useMemo(() => (series.value ? chartData(series.value) : []), [series.value]);
  const outside = series.value ? modelsOutside(series.value) : [];
  const pending = useRef(0);
  pending.current = charts.length;
  const onDrawn = useCallback(() => {
    pending.current -= 1;
    if (pending.current === 0 && perf.pointPickedAt !== null) perf.pointChartMs = performance.now() - perf.pointPickedAt;
  }, []);
  const width = chartWidth();
  const current = currentTime ? Date.parse(currentTime) / 1000 : null;
  const span = charts.length > 0 ? timeRange(charts, current) : null;
  return (
    <section className="panel point-panel" data-testid="point-panel" aria-label="Point forecast">
      <header>
        <strong>{where(point)}</strong>
        <button type="button" className="close" data-testid="point-close" title="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {series.loading && <p className="note">Loading the forecast…</p>}
      {series.error && <p className="note error-text">{series.error.message}</p>}
      {!series.loading && !series.error && charts.length === 0 && (
        <p className="note" data-testid="point-empty">No model has data here.</p>
      )}
      {outside.length > 0 && (
        <p className="note" data-testid="point-outside">
          No data here from {outside.map((m) => m.toUpperCase()).join(', ')}.
        </p>
      )}
      {span && charts.map((chart) => (
        <MeteogramChart key={chart.panel.id} chart={chart} width={width} span={span} currentTime={current}
          onDrawn={onDrawn} />
      ))}
    </section>
  );
}
