/**
 * Geometry of a colour-bar legend. Stops sit at equal spacing by rank, not by value, as forecast viewers draw
 * non-linear scales (precipitation 0.01 … 10 in): every band gets room and its label. Two stops at one value
 * (the 32 °F break) share a position, so the bar breaks sharply there. A `stepped` legend (NWS reflectivity)
 * paints each stop's colour as a flat band up to the next stop; the last stop gets a band of its own.
 *
 * Labels are laid out for the bar's width in pixels (the wide and the narrow layout differ): each label's box
 * is estimated from its text (centred on its stop; a label at either end is anchored inward, so it stays
 * over the bar), and a label is kept only if its box stays clear of every kept one and inside the bar, so
 * labels never overlap whatever the palette and the width.
 */
import type { Legend } from './types';

export type Anchor = 'start' | 'middle' | 'end';

export interface Tick {
  pos: number; // percent of the bar's width
  text: string;
  anchor: Anchor; // which point of the label sits at `pos`
}

export interface LegendBar {
  background: string;
  ticks: Tick[];
}

/** Width of one character of the tick font (10 px system sans-serif: digits are ~5.6 px; rounded up). */
export const CHAR_PX = 6.2;
/** Free space kept between two labels. */
export const LABEL_GAP_PX = 6;

/** The pixel width a tick label takes. */
export function labelWidth(text: string): number {
  return text.length * CHAR_PX;
}

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

/** A stop's label text: its own label, else its value without trailing zeros (0.01, 1.5, 1000). */
export function tickText(value: number, label?: string): string {
  return label ?? String(Number(value.toFixed(4)));
}

function anchorAt(pos: number): Anchor {
  return pos <= 0 ? 'start' : pos >= 100 ? 'end' : 'middle';
}

/** The label's box in pixels along a bar `widthPx` wide. */
export function labelBox(tick: Tick, widthPx: number): { left: number; right: number } {
  const at = (tick.pos / 100) * widthPx;
  const width = labelWidth(tick.text);
  const left = tick.anchor === 'start' ? at : tick.anchor === 'end' ? at - width : at - width / 2;
  return { left, right: left + width };
}

/**
 * Labelled stops first, then the ends, then every other stop in order; each kept only if its box keeps
 * LABEL_GAP_PX from every kept box and lies within the bar.
 */
function ticks(legend: Legend, pos: number[], widthPx: number): Tick[] {
  const last = legend.stops.length - 1;
  const candidates = legend.stops.map((s, i) => ({
    tick: { pos: pos[i], text: tickText(s.value, s.label), anchor: anchorAt(pos[i]) },
    rank: s.label ? 0 : i === 0 || i === last ? 1 : 2,
  }));
  const kept: { tick: Tick; left: number; right: number }[] = [];
  for (const { tick } of [...candidates].sort((a, b) => a.rank - b.rank || a.tick.pos - b.tick.pos)) {
    const { left, right } = labelBox(tick, widthPx);
    const clear = kept.every(
      (k) => k.tick.text !== tick.text && (right + LABEL_GAP_PX <= k.left || left >= k.right + LABEL_GAP_PX),
    );
    if (left >= 0 && right <= widthPx && clear) kept.push({ tick, left, right });
  }
  return kept.map((k) => k.tick).sort((a, b) => a.pos - b.pos);
}

/** The bar for a legend drawn `widthPx` wide. */
export function legendBar(legend: Legend, widthPx: number): LegendBar {
  const pos = positions(legend);
  return { background: background(legend, pos), ticks: ticks(legend, pos, widthPx) };
}
