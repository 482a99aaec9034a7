/**
 * Compare, difference and trend views as pure functions of the API's listings: which frames pair up by valid
 * time, the difference tile URLs of those pairs, and the export URL of what is on screen. No fetching here.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Frame, FramesResponse } from './types';
import { apiPaths, type ViewState } from './urls';

export type Mode = 'single' | 'compare' | 'diff' | 'trend';

export const MODES: { value: Mode; label: string }[] = [
  { value: 'single', label: 'Single map' },
  { value: 'compare', label: 'Side by side' },
  { value: 'diff', label: 'Difference A − B' },
  { value: 'trend', label: 'Run-to-run trend' },
];

/** One valid time both sides have: A's frame and B's. */
export interface FramePair {
  valid_time: string;
  a: Frame;
  b: Frame;
}

/** The valid times both listings have, in A's order (one shared slider steps through these). */
export function pairByValidTime(a: Frame[], b: Frame[]): FramePair[] {
  const bByTime = new Map(b.map((f) => [f.valid_time, f]));
  return a.flatMap((f) => {
    const other = bByTime.get(f.valid_time);
    return other ? [{ valid_time: f.valid_time, a: f, b: other }] : [];
  });
}

/** `{model}/{run}/{var}/{fh}`: how the difference routes name a frame (concrete run ids: immutable tiles). */
export function frameAddress(listing: Pick<FramesResponse, 'model' | 'run' | 'var'>, fh: number): string {
  return `${listing.model}/${listing.run}/${listing.var}/${fh}`;
}

/** Frames of the difference A − B at each common valid time, animated like any frame list. */
export function differenceFrames(a: FramesResponse, b: FramesResponse, pairs: FramePair[]): Frame[] {
  return pairs.map((p) => ({
    fh: p.a.fh,
    valid_time: p.valid_time,
    tile_url: `/tiles/v3/diff/${frameAddress(a, p.a.fh)}/${frameAddress(b, p.b.fh)}/{z}/{x}/{y}.png`,
    overlays: {},
  }));
}

export type ExportFormat = 'gif' | 'mp4';

export interface ExportAsk {
  model: string;
  var: string;
  /** A loop of one run's frames, or a trend: one valid time over the newest runs. */
  frames: { run: string; fhs: number[] } | { valid_time: string; runs: number };
  bbox: [number, number, number, number];
  width: number;
  format: ExportFormat;
  fps: number;
}

/** `0-12` for consecutive hours of one step, else the hours listed: what the export route reads. */
export function hoursText(fhs: number[]): string {
  if (fhs.length < 3) return fhs.join(',');
  const step = fhs[1] - fhs[0];
  const even = fhs.every((fh, i) => i === 0 || fh - fhs[i - 1] === step);
  if (!even || step < 1) return fhs.join(',');
  return `${fhs[0]}-${fhs[fhs.length - 1]}${step > 1 ? `:${step}` : ''}`;
}

/** The canonical grid in lon/lat (twf.grid.CONUS_BOUNDS_4326): an export's bbox must lie inside it. */
export const CANONICAL_BBOX: [number, number, number, number] = [-134.2083, 20.5643, -59.8278, 53.1996];

/** The map's visible box clamped to the canonical grid, rounded inwards to 1e-4°. */
export function exportBbox(west: number, south: number, east: number, north: number): [number, number, number, number] {
  const [w, s, e, n] = CANONICAL_BBOX;
  const inward = (v: number, up: boolean) => (up ? Math.ceil(v * 1e4) : Math.floor(v * 1e4)) / 1e4;
  return [inward(Math.max(west, w), true), inward(Math.max(south, s), true), inward(Math.min(east, e), false),
    inward(Math.min(north, n), false)];
}

export function exportUrl(ask: ExportAsk): string {
  const params = new URLSearchParams({ model: ask.model, var: ask.var });
  if ('fhs' in ask.frames) {
    params.set('run', ask.frames.run);
    params.set('fhs', hoursText(ask.frames.fhs));
  } else {
    params.set('valid_time', ask.frames.valid_time);
    params.set('runs', String(ask.frames.runs));
  }
  params.set('bbox', ask.bbox.map((v) => v.toFixed(4)).join(','));
  params.set('width', String(ask.width));
  params.set('format', ask.format);
  params.set('fps', String(ask.fps));
  return `${apiPaths.export()}?${params.toString()}`;
}

/** What changes in the view when the mode changes: side B appears (A's model and variable, latest run) or goes;
 * a trend takes the valid time on screen. */
export function modePatch(view: ViewState, mode: Mode, variable: string | null, frame: Frame | null): Partial<ViewState> {
  const paired = mode === 'compare' || mode === 'diff';
  return {
    mode,
    b: paired ? (view.b ?? { model: view.model, run: 'latest', var: variable ?? view.var }) : null,
    valid: mode === 'trend' ? (frame?.valid_time ?? view.valid) : null,
  };
}

/** The pixels wide an export from the viewer asks for (the server's range is 320-1920). */
export const EXPORT_WIDTH = 720;

/**
 * The export of what is on screen: the map's visible box (clamped to the canonical grid), at `EXPORT_WIDTH`;
 * a loop of `frames` of the concrete run shown, or the trend's valid time over the runs it lists.
 */
export function exportAsk(view: ViewState, listing: FramesResponse | null, frames: Frame[], map: MapLibreMap | null,
  format: ExportFormat, fps: number): ExportAsk | null {
  if (!listing || !map || frames.length === 0) return null;
  const b = map.getBounds();
  const bbox = exportBbox(b.getWest(), b.getSouth(), b.getEast(), b.getNorth());
  const trend = view.mode === 'trend' && view.valid !== null;
  return {
    model: listing.model,
    var: listing.var,
    frames: trend ? { valid_time: view.valid!, runs: view.runs } : { run: listing.run, fhs: frames.map((f) => f.fh) },
    bbox,
    width: EXPORT_WIDTH,
    format,
    fps,
  };
}
