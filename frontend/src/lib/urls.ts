/**
 * Every URL the viewer builds, in one place: API routes, tile templates, and the page's own query string
 * (the shareable view). Dataset identity is `{model, run, var, fh}`; no region ever enters an API or tile URL.
 */
import type { SampleQuery, SeriesQuery } from './types';
import { DEFAULT_MODEL, DEFAULT_RUN, DEFAULT_VAR } from './config';
import type { Mode } from './compare';

const seg = encodeURIComponent;

export const apiPaths = {
  models: () => '/api/v3/models',
  runs: (model: string) => `/api/v3/${seg(model)}/runs`,
  vars: (model: string, run: string) => `/api/v3/${seg(model)}/${seg(run)}/vars`,
  manifest: (model: string, run: string) => `/api/v3/${seg(model)}/${seg(run)}/manifest`,
  frames: (model: string, run: string, variable: string) =>
    `/api/v3/${seg(model)}/${seg(run)}/${seg(variable)}/frames`,
  regions: () => '/api/regions',
  sample: (q: SampleQuery) => {
    const params = new URLSearchParams({
      model: q.model,
      run: q.run,
      var: q.var,
      fh: String(q.fh),
      lat: q.lat.toFixed(4),
      lon: q.lon.toFixed(4),
    });
    return `/api/v3/sample?${params.toString()}`;
  },
  sampleBatch: () => '/api/v3/sample/batch',
  series: (q: SeriesQuery) => {
    const params = new URLSearchParams({ lat: q.lat.toFixed(4), lon: q.lon.toFixed(4) });
    if (q.models) params.set('models', q.models.join(','));
    if (q.vars) params.set('vars', q.vars.join(','));
    return `/api/v3/series?${params.toString()}`;
  },
  /** A and B are frame addresses `{model}/{run}/{var}/{fh}` (`lib/compare.frameAddress`). */
  diffLegend: (a: string, b: string) => `/api/v3/diff/legend?${new URLSearchParams({ a, b }).toString()}`,
  diffSample: (a: string, b: string, lat: number, lon: number) =>
    `/api/v3/diff/sample?${new URLSearchParams({ a, b, lat: lat.toFixed(4), lon: lon.toFixed(4) }).toString()}`,
  trend: (model: string, variable: string, validTime: string, runs: number) =>
    `/api/v3/trend?${new URLSearchParams({ model, var: variable, valid_time: validTime, runs: String(runs) }).toString()}`,
  export: () => '/api/v3/export',
};

/** Absolute URL for a server-relative path; MapLibre needs absolute tile and GeoJSON URLs. */
export function absoluteUrl(path: string, origin: string): string {
  return new URL(path, origin).toString();
}

/** Absolute tile template for MapLibre, keeping `{z}/{x}/{y}` placeholders unescaped. */
export function tileTemplate(tileUrl: string, origin: string): string {
  return absoluteUrl(tileUrl, origin).replace(/%7B/gi, '{').replace(/%7D/gi, '}');
}

/**
 * The 512 px (`@2x`) variant of a tile template: one request covers what four 256 px tiles would, which
 * quarters the requests a prefetch of every frame costs, at the same on-screen sharpness.
 */
export function tileTemplate2x(tileUrl: string, origin: string): string {
  return tileTemplate(tileUrl.replace(/\{y\}\.png$/, '{y}@2x.png'), origin);
}

/** One concrete tile URL from a template. */
export function tileUrl(template: string, z: number, x: number, y: number): string {
  return template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
}

/** One dataset's identity: what a side of the compare view picks. */
export interface Dataset {
  model: string;
  run: string;
  var: string;
}

/**
 * What a link to the viewer carries. `camera` overrides the region's default viewport when set. `mode` other
 * than `single` adds side B (compare, difference) or the trend's valid time and run count.
 */
export interface ViewState {
  model: string;
  run: string;
  var: string;
  fh: number | null;
  region: string | null;
  camera: Camera | null;
  /** The point whose meteogram is open (`pt=lat,lon`), or null. */
  point: LatLon | null;
  mode: Mode;
  /** Side B of compare and difference (null in the other modes). */
  b: Dataset | null;
  valid: string | null;
  runs: number;
}

export interface LatLon {
  lat: number;
  lon: number;
}

export interface Camera {
  lat: number;
  lon: number;
  zoom: number;
}

export const DEFAULT_TREND_RUNS = 6;

export const DEFAULT_VIEW: ViewState = {
  model: DEFAULT_MODEL,
  run: DEFAULT_RUN,
  var: DEFAULT_VAR,
  fh: null,
  region: null,
  camera: null,
  point: null,
  mode: 'single',
  b: null,
  valid: null,
  runs: DEFAULT_TREND_RUNS,
};

const SEGMENT = /^[a-z0-9_]{1,32}$/;
const RUN_ID = /^(latest|\d{8}_\d{2}z)$/;
const MODE = /^(single|compare|diff|trend)$/;
const VALID_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/;

function finiteIn(raw: string | null, min: number, max: number): number | null {
  if (raw === null || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= min && n <= max ? n : null;
}

function matching(raw: string | null, pattern: RegExp): string | null {
  return raw !== null && pattern.test(raw) ? raw : null;
}

/** `pt=45.5231,-122.6765` → the point; anything else → null. */
function pointFrom(raw: string | null): LatLon | null {
  const [lat, lon, extra] = (raw ?? '').split(',');
  if (extra !== undefined) return null;
  const la = finiteIn(lat ?? null, -90, 90);
  const lo = finiteIn(lon ?? null, -180, 180);
  return la !== null && lo !== null ? { lat: la, lon: lo } : null;
}

/** Side B as a link names it; what it leaves out is side A's model and variable at the latest run. */
function sideB(p: URLSearchParams, model: string, variable: string): Dataset {
  return {
    model: matching(p.get('bmodel'), SEGMENT) ?? model,
    run: matching(p.get('brun'), RUN_ID) ?? DEFAULT_RUN,
    var: matching(p.get('bvar'), SEGMENT) ?? variable,
  };
}

/** The view a page URL asks for; anything malformed falls back to the default rather than failing. */
export function viewFromSearch(search: string): ViewState {
  const p = new URLSearchParams(search);
  const fh = finiteIn(p.get('fh'), 0, 999);
  const lat = finiteIn(p.get('lat'), -85, 85);
  const lon = finiteIn(p.get('lon'), -180, 180);
  const zoom = finiteIn(p.get('z'), 0, 22);
  const runs = finiteIn(p.get('runs'), 2, 48);
  const model = matching(p.get('model'), SEGMENT) ?? DEFAULT_VIEW.model;
  const variable = matching(p.get('var'), SEGMENT) ?? DEFAULT_VIEW.var;
  const mode = (matching(p.get('mode'), MODE) as Mode | null) ?? 'single';
  return {
    model,
    run: matching(p.get('run'), RUN_ID) ?? DEFAULT_VIEW.run,
    var: variable,
    fh: fh !== null && Number.isInteger(fh) ? fh : null,
    region: matching(p.get('region'), SEGMENT),
    camera: lat !== null && lon !== null && zoom !== null ? { lat, lon, zoom } : null,
    point: pointFrom(p.get('pt')),
    mode,
    b: mode === 'compare' || mode === 'diff' ? sideB(p, model, variable) : null,
    valid: matching(p.get('valid'), VALID_TIME),
    runs: runs !== null && Number.isInteger(runs) ? runs : DEFAULT_TREND_RUNS,
  };
}

/** The query string that reopens `view`. */
export function searchFromView(view: ViewState): string {
  const p = new URLSearchParams({ model: view.model, run: view.run, var: view.var });
  if (view.fh !== null) p.set('fh', String(view.fh));
  if (view.region !== null) p.set('region', view.region);
  if (view.camera !== null) {
    p.set('lat', view.camera.lat.toFixed(4));
    p.set('lon', view.camera.lon.toFixed(4));
    p.set('z', view.camera.zoom.toFixed(2));
  }
  if (view.point !== null) p.set('pt', `${view.point.lat.toFixed(4)},${view.point.lon.toFixed(4)}`);
  if ((view.mode === 'compare' || view.mode === 'diff') && view.b !== null) {
    p.set('mode', view.mode);
    p.set('bmodel', view.b.model);
    p.set('brun', view.b.run);
    p.set('bvar', view.b.var);
  } else if (view.mode === 'trend') {
    p.set('mode', 'trend');
    if (view.valid !== null) p.set('valid', view.valid);
    p.set('runs', String(view.runs));
  }
  return `?${p.toString()}`;
}
