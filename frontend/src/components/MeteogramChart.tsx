/** One meteogram panel drawn by uPlot: a line per model and variable, the current hour marked, live legend. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatValue, valueRange, type ChartData } from '../lib/meteogram';

interface Props {
  chart: ChartData;
  width: number;
  /** The time axis, [first, last] in Unix seconds: the same for every panel (`timeRange`). */
  span: [number, number];
  /** Valid time of the frame on the map (Unix seconds): a vertical line. */
  currentTime: number | null;
  onDrawn: () => void;
}

declare global {
  interface Window {
    /** The meteogram's charts by panel id, for the end-to-end tests (positions, legend values). */
    __twfCharts?: Record<string, uPlot>;
  }
}

const HEIGHT = 160;

// Local time, as the axis (uPlot's default) and the time bar's second line show it.
const LOCAL = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: 'numeric', minute: '2-digit' });

function timeLabel(seconds: number | null): string {
  return seconds === null ? '–' : LOCAL.format(new Date(seconds * 1000));
}

function markCurrent(u: uPlot, seconds: number | null): void {
  if (seconds === null) return;
  const x = Math.round(u.valToPos(seconds, 'x', true));
  if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = '#111';
  ctx.setLineDash([2, 3]);
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(x, u.bbox.top);
  ctx.lineTo(x, u.bbox.top + u.bbox.height);
  ctx.stroke();
  ctx.restore();
}

export function MeteogramChart({ chart, width, span, currentTime, onDrawn }: Props) {
  const element = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const current = useRef(currentTime);
  current.current = currentTime;
  const drawn = useRef(onDrawn);
  drawn.current = onDrawn;

  const [first, last] = span;
  useEffect(() => {
    const units = [...new Set(chart.lines.map((l) => l.units))].join(', ');
    const options: uPlot.Options = {
      width,
      height: HEIGHT,
      scales: { x: { time: true, range: [first, last] }, y: { range: valueRange(chart) } },
      series: [
        { label: 'Valid', value: (_u, v) => timeLabel(v) },
        ...chart.lines.map((line) => ({
          label: line.label,
          stroke: line.colour,
          width: 1.6,
          dash: line.dashed ? [6, 4] : undefined,
          spanGaps: true,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => formatValue(v, line.units),
        })),
      ],
      axes: [{ size: 32 }, { size: 44, label: units, labelSize: 14 }],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      hooks: {
        draw: [(u) => markCurrent(u, current.current)],
        ready: [() => drawn.current()],
      },
    };
    const created = new uPlot(options, [chart.times, ...chart.lines.map((l) => l.values)] as uPlot.AlignedData,
      element.current!);
    plot.current = created;
    window.__twfCharts = { ...window.__twfCharts, [chart.panel.id]: created };
    return () => {
      created.destroy();
      plot.current = null;
      if (window.__twfCharts?.[chart.panel.id] === created) delete window.__twfCharts[chart.panel.id];
    };
  }, [chart, width, first, last]);

  useEffect(() => {
    plot.current?.redraw(false, false);
  }, [currentTime]);

  return (
    <figure className="chart" data-testid={`chart-${chart.panel.id}`}>
      <figcaption>{chart.panel.title}</figcaption>
      <div ref={element} />
    </figure>
  );
}
