/**
 * Geometry of a colour-bar legend. Stops sit at equal spacing by rank, not by value, as forecast viewers draw
 * non-linear scales (precipitation 0.01 … 10 in): every band gets room and its label. Two stops at one value
 * (the 32 °F break) share a position, so the bar breaks sharply there. A `stepped` legend (NWS reflectivity)
 * paints each stop's colour as a flat band up to the next stop; the last stop gets a band of its own.
 */
import type { Legend } from './types';

export interface Tick {
  pos: number; // percent of the bar's width
  text: string;
}

export interface LegendBar {
  background: string;
  ticks: Tick[];
}

/** Labels closer than this (percent of the bar) would overlap at the legend's width. */
export const MIN_TICK_GAP = 10;

function positions(legend: Legend): number[] {
  const values = [...new Set(legend.stops.map((s) => s.value))];
  const slots = legend.kind === 'stepped' ? values.length : Math.max(values.length - 1, 1);
  return legend.stops.map((s) => (values.indexOf(s.value) / slots) * 100);
}

const pct = (p: number) => `${p.toFixed(2)}%`;

function background(legend: Legend, pos: number[]): string {
  const parts =
    legend.kind === 'stepped'
      ? legend.stops.map((s, i) => `${s.color} ${pct(pos[i])} ${pct(pos[i + 1] ?? 100)}`)
      : legend.stops.map((s, i) => `${s.color} ${pct(pos[i])}`);
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

/** Labelled stops first, then the ends, then the rest in order; each kept only if it crowds no kept one. */
function ticks(legend: Legend, pos: number[]): Tick[] {
  const candidates = legend.stops.map((s, i) => ({ pos: pos[i], text: s.label ?? String(s.value), rank: 0 }));
  const last = candidates.length - 1;
  candidates.forEach((c, i) => {
    c.rank = legend.stops[i].label ? 0 : i === 0 || i === last ? 1 : 2;
  });
  const kept: Tick[] = [];
  for (const c of [...candidates].sort((a, b) => a.rank - b.rank || a.pos - b.pos)) {
    if (kept.every((k) => Math.abs(k.pos - c.pos) >= MIN_TICK_GAP && k.text !== c.text)) {
      kept.push({ pos: c.pos, text: c.text });
    }
  }
  return kept.sort((a, b) => a.pos - b.pos);
}

export function legendBar(legend: Legend): LegendBar {
  const pos = positions(legend);
  return { background: background(legend, pos), ticks: ticks(legend, pos) };
}
