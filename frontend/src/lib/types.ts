/** Response shapes of the TWF v3 API, as documented in docs/API.md (contract 3.0). */

export type Kind = 'continuous' | 'categorical';

export interface ModelInfo {
  id: string;
  label: string;
  description: string;
  latest_run: string | null;
}

export interface ModelsResponse {
  contract_version: string;
  models: ModelInfo[];
}

export interface RunInfo {
  run: string;
  ref_time: string;
  complete: boolean;
  last_updated: string;
}

export interface RunsResponse {
  model: string;
  latest: string | null;
  runs: RunInfo[];
}

export interface LegendStop {
  value: number;
  color: string;
  label?: string;
}

/** `stepped`: one flat colour from each stop to the next (NWS reflectivity), not a smooth ramp. */
export type LegendKind = Kind | 'stepped';

export interface Legend {
  palette: string;
  units: string;
  kind: LegendKind;
  /** Decimals a reading in these units deserves (2 for inches of precipitation, 0 for dBZ). */
  decimals: number;
  stops: LegendStop[];
}

/** The picker's sections, in display order. */
export type VariableGroup = 'surface' | 'precipitation' | 'winter' | 'upper_air' | 'severe';

export interface VariableInfo {
  id: string;
  label: string;
  units: string;
  kind: Kind;
  group: VariableGroup;
  expected_frames: number;
  available_frames: number;
  /** Why the run cannot show it (no frame, every frame tried given up); null while it has or may get frames. */
  unavailable: string | null;
  legend: Legend;
}

export interface VarsResponse {
  model: string;
  run: string;
  variables: VariableInfo[];
}

export interface Frame {
  fh: number;
  valid_time: string;
  /** Server-relative XYZ template carrying the concrete run id, e.g. `/tiles/v3/hrrr/20260129_17z/tmp2m/1/{z}/{x}/{y}.png`. */
  tile_url: string;
  /** Overlay key → server-relative URL of this frame's GeoJSON (see `FramesResponse.overlays`). */
  overlays: Record<string, string>;
}

/** How an overlay is drawn: lines with value labels, H/L centres, or wind barbs. */
export type OverlayKind = 'isolines' | 'centres' | 'barbs';

export interface OverlayInfo {
  key: string;
  kind: OverlayKind;
  /** Its toggle's label, e.g. "Isobars (4 hPa)". */
  label: string;
  /** Drawn until the user turns it off. */
  shown: boolean;
}

export interface FramesResponse {
  model: string;
  run: string;
  var: string;
  units: string;
  kind: Kind;
  legend: Legend;
  overlays: OverlayInfo[];
  frames: Frame[];
}

export interface RunManifest {
  contract_version: string;
  model: string;
  run: string;
  ref_time: string;
  last_updated: string;
  /** Set by the demo-data path: the run is synthetic weather and the UI must say so. */
  demo?: boolean;
}

export type BBox = [west: number, south: number, east: number, north: number];

export interface Region {
  id: string;
  label: string;
  bbox: BBox;
  defaultCenter: [lon: number, lat: number];
  defaultZoom: number;
  minZoom?: number;
  maxZoom?: number;
}

export interface RegionsResponse {
  default: string;
  regions: Region[];
}

export interface SampleQuery {
  model: string;
  run: string;
  var: string;
  fh: number;
  lat: number;
  lon: number;
}

export interface Sample extends SampleQuery {
  value: number;
  units: string;
  valid_time: string;
  method: 'bilinear' | 'nearest';
  /** Class-coded variables (radar_ptype, ptype_rate) only: `value` is the intensity and this the type. */
  ptype?: string;
  ptype_label?: string;
}

export interface ApiErrorBody {
  error: string;
  detail: string;
}

/** `[valid time, value]`; class-coded variables add the precipitation type: `[valid time, dBZ, ptype]`. */
export type SeriesPoint = [string, number | null] | [string, number | null, string | null];

export interface SeriesEntry {
  model: string;
  /** null: the model has no published run. */
  run: string | null;
  var: string;
  units: string;
  /** One per planned forecast hour; the value is null until that frame is committed. */
  points: SeriesPoint[];
  /** The model has no data at this point (points is empty). */
  outside?: boolean;
}

export interface SeriesResponse {
  lat: number;
  lon: number;
  series: SeriesEntry[];
}

export interface SeriesQuery {
  lat: number;
  lon: number;
  models?: string[];
  vars?: string[];
}

export interface BatchRequest {
  model: string;
  run: string;
  var: string;
  fh: number;
  /** `[lat, lon]` pairs, at most 500. */
  points: [number, number][];
}

export interface BatchResponse {
  model: string;
  run: string;
  var: string;
  fh: number;
  units: string;
  valid_time: string;
  /** In the order of the points; null outside the grid or on nodata. */
  values: (number | null)[];
}

/** A frame as the difference and trend routes name it. */
export interface FrameRefInfo {
  model: string;
  run: string;
  var: string;
  label: string;
  fh: number;
  valid_time: string;
}

/** `/api/v3/diff/legend`: the diverging scale of A − B and its tile template (concrete run ids). */
export interface DiffLegend {
  units: string;
  legend: Legend;
  tile_url: string;
  frames: { a: FrameRefInfo; b: FrameRefInfo };
}

/** `/api/v3/diff/sample`: A − B at a point, with both values on the common grid. */
export interface DiffSample {
  value: number;
  a: number;
  b: number;
  units: string;
  lat: number;
  lon: number;
  frames: { a: FrameRefInfo; b: FrameRefInfo };
}

/** `/api/v3/trend`: one valid time in each of the newest runs, oldest run first. */
export interface TrendResponse {
  model: string;
  var: string;
  valid_time: string;
  units: string;
  kind: Kind;
  legend: Legend;
  frames: (Frame & { run: string })[];
}
