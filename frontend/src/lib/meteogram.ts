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
}

export const PANELS: PanelSpec[] = [
  { id: 'temperature', title: 'Temperature / dew point', vars: ['tmp2m', 'dp2m'] },
  { id: 'precipitation', title: 'Total precipitation / snowfall', vars: ['precip_total', 'snowfall_total'] },
  { id: 'wind', title: 'Wind / gust', vars: ['wspd10m', 'wgst10m'] },
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
  /** Valid times in Unix seconds, ascending, the union over the panel's lines. */
  times: number[];
  lines: ChartLine[];
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/**
 * Each panel's lines: one per model and variable that has at least one value, on the union of their times.
 * Panels without any line are left out (e.g. a point only GFS covers still gets all three).
 */
export function chartData(response: SeriesResponse): ChartData[] {
  const models = [...new Set(response.series.map((e) => e.model))];
  const charts: ChartData[] = [];
  for (const panel of PANELS) {
    const entries = response.series.filter(
      (e) => panel.vars.includes(e.var) && e.points.some((p) => p[1] !== null),
    );
    if (entries.length === 0) continue;
    const times = [...new Set(entries.flatMap((e) => e.points.map((p) => seconds(p[0]))))].sort((a, b) => a - b);
    const column = new Map(times.map((t, i) => [t, i]));
    const lines = entries.map((e) => {
      const values: (number | null)[] = times.map(() => null);
      for (const p of e.points) values[column.get(seconds(p[0]))!] = p[1];
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

/** Models of a response that have no data at the point (listed `outside` by the API). */
export function modelsOutside(response: SeriesResponse): string[] {
  return [...new Set(response.series.filter((e) => e.outside).map((e) => e.model))];
}

/** A value as the chart's legend shows it: one decimal and the units, or a dash where there is none. */
export function formatValue(value: number | null | undefined, units: string): string {
  return value === null || value === undefined ? '–' : `${value.toFixed(1)} ${units}`;
}
