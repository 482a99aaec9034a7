/**
 * The meteogram's data, apart from any chart library: which variables each panel draws, one line per model
 * and variable on a shared time axis (uPlot's aligned columns: one x array, one y array per line, `null`
 * where a line has no value at that time), and where the current forecast hour sits.
 */
import type { SeriesResponse } from './types';

export interface PanelSpec {
  id: 'temperature' | 'precipitation' | 'wind';
  title: string;
  /** [solid line, dashed line]: the second variable of each pair is drawn dashed in the same colour. */
  vars: [string, string];
  /** Smallest value axis span, in the panel's units: a flat line stays a line, not noise blown up to the height. */
  minSpan: number;
  /** Amounts and speeds are never negative: their axis starts at 0, so "none" reads as none. */
  fromZero: boolean;
}

export const PANELS: PanelSpec[] = [
  { id: 'temperature', title: 'Temperature / dew point', vars: ['tmp2m', 'dp2m'], minSpan: 10, fromZero: false },
  { id: 'precipitation', title: 'Total precipitation / snowfall', vars: ['precip_total', 'snowfall_total'],
    minSpan: 0.1, fromZero: true },
  { id: 'wind', title: 'Wind / gust', vars: ['wspd10m', 'wgst10m'], minSpan: 10, fromZero: true },
];

/** The variables a meteogram asks `/api/v3/series` for, in panel order. */
export const METEOGRAM_VARS = PANELS.flatMap((p) => p.vars);

/** One colour per model, the same in every panel; unknown models take the spare colours in turn. */
const MODEL_COLOURS: Record<string, string> = { hrrr: '#d62728', nam: '#1f77b4', nbm: '#2ca02c', gfs: '#9467bd' };
const SPARE_COLOURS = ['#8c564b', '#e377c2', '#17becf', '#7f7f7f'];

export function modelColour(model: string, index: number): string {
  return MODEL_COLOURS[model] ?? SPARE_COLOURS[index % SPARE_COLOURS.length];
}

export interface ChartLine {
  model: string;
  var: string;
  label: string;
  units: string;
  colour: string;
  dashed: boolean;
  values: (number | null)[];
}

export interface ChartData {
  panel: PanelSpec;
  /** Valid times in Unix seconds, ascending: the union of the hours where one of the panel's lines has a value. */
  times: number[];
  lines: ChartLine[];
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/**
 * Each panel's lines: one per model and variable that has at least one value, on the union of the hours that have
 * values. The series lists every planned hour (GFS: 16 days) with `null` until published; on those the lines
 * would fill a sliver of the axis. Panels without any line are left out (a point only GFS covers still gets all
 * three).
 */
export function chartData(response: SeriesResponse): ChartData[] {
  const models = [...new Set(response.series.map((e) => e.model))];
  const charts: ChartData[] = [];
  for (const panel of PANELS) {
    const entries = response.series.filter(
      (e) => panel.vars.includes(e.var) && e.points.some((p) => p[1] !== null),
    );
    if (entries.length === 0) continue;
    const published = entries.flatMap((e) => e.points.filter((p) => p[1] !== null).map((p) => seconds(p[0])));
    const times = [...new Set(published)].sort((a, b) => a - b);
    const column = new Map(times.map((t, i) => [t, i]));
    const lines = entries.map((e) => {
      const values: (number | null)[] = times.map(() => null);
      for (const p of e.points) if (p[1] !== null) values[column.get(seconds(p[0]))!] = p[1];
      return {
        model: e.model,
        var: e.var,
        label: `${e.model.toUpperCase()} ${e.var}`,
        units: e.units,
        colour: modelColour(e.model, models.indexOf(e.model)),
        dashed: e.var === panel.vars[1],
        values,
      };
    });
    charts.push({ panel, times, lines });
  }
  return charts;
}

const HOUR = 3600;

/**
 * The time axis every panel shares: from the first to the last hour with a value in any panel, widened to the map's
 * hour (`current`, Unix s) so its mark is always drawn, and by an hour each side when that is a single hour (a run
 * that has published only its first frame) so the axis has a width.
 */
export function timeRange(charts: ChartData[], current: number | null): [number, number] {
  const ends = charts.flatMap((c) => [c.times[0], c.times[c.times.length - 1]]);
  if (current !== null) ends.push(current);
  const [first, last] = [Math.min(...ends), Math.max(...ends)];
  return first === last ? [first - HOUR, last + HOUR] : [first, last];
}

/** Share of the data's span left free above and below the lines. */
const VALUE_PAD = 0.1;

/**
 * The value axis of a panel: its lines' extent padded, at least the panel's `minSpan` (centred on the data, or up
 * from 0 for amounts). Without it uPlot ranges flat data itself: an all-zero precipitation line gets 0-100 in.
 */
export function valueRange(chart: ChartData): [number, number] {
  const values = chart.lines.flatMap((l) => l.values).filter((v): v is number => v !== null);
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const pad = (high - low) * VALUE_PAD;
  const { minSpan, fromZero } = chart.panel;
  if (fromZero) {
    const bottom = low < 0 ? low - pad : 0;
    return [bottom, Math.max(high + pad, bottom + minSpan)];
  }
  const half = Math.max(high - low + 2 * pad, minSpan) / 2;
  const middle = (low + high) / 2;
  return [middle - half, middle + half];
}

/** Models of a response that have no data at the point (listed `outside` by the API). */
export function modelsOutside(response: SeriesResponse): string[] {
  return [...new Set(response.series.filter((e) => e.outside).map((e) => e.model))];
}

/** A value as the chart's legend shows it: one decimal and the units, or a dash where there is none. */
export function formatValue(value: number | null | undefined, units: string): string {
  return value === null || value === undefined ? '–' : `${value.toFixed(1)} ${units}`;
}
