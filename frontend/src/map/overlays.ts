/**
 * A frame's overlays on the map (isolines, H/L centres, wind barbs): one GeoJSON source per shown overlay, fed
 * the frame's overlay URL, and its layers by kind. Setting a source's data only starts a fetch that MapLibre's
 * worker parses: the raster frame swap (`frameLayers`) never waits for an overlay, which catches up when its
 * GeoJSON arrives. Lines go under the boundaries; labels, centres and barbs over them, under the city labels.
 */
import type {
  ExpressionSpecification, GeoJSONSource, LayerSpecification, LineLayerSpecification, Map as MapLibreMap,
  SymbolLayerSpecification,
} from 'maplibre-gl';
import type { OverlayKind } from '../lib/types';
import { BARB_MAX_KT, BARB_STEP_KT, drawBarb } from './barbIcons';
import { LINES_BELOW, SYMBOLS_BELOW } from './style';

export interface ShownOverlay {
  key: string;
  kind: OverlayKind;
  /** Absolute URL of the frame's GeoJSON. */
  url: string;
}

/** What `setOverlays` uses of a MapLibre map (so its bookkeeping can be exercised without WebGL). */
export type OverlayMap = Pick<MapLibreMap, 'getSource' | 'addSource' | 'removeSource' | 'addLayer' | 'removeLayer'
  | 'getLayer' | 'hasImage' | 'addImage'>;

export const overlaySource = (key: string) => `overlay:${key}`;

const LABEL_PAINT = { 'text-color': '#111111', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 };
const MAJOR: ExpressionSpecification = ['to-boolean', ['get', 'major']];

/** The layers of one overlay, each with the layer it goes below. */
export function overlayLayers(key: string, kind: OverlayKind): { layer: LayerSpecification; below: string }[] {
  const source = overlaySource(key);
  if (kind === 'isolines') {
    const lines: LineLayerSpecification = {
      id: `${source}:lines`, type: 'line', source, layout: { 'line-join': 'round' },
      paint: { 'line-color': ['case', MAJOR, '#1a1aff', '#333333'], 'line-width': ['case', MAJOR, 2.6, 0.9],
        'line-opacity': ['case', MAJOR, 0.95, 0.6] },
    };
    // No glyphs URL: MapLibre draws the labels with the browser's own fonts, which keeps the map offline.
    const labels: SymbolLayerSpecification = {
      id: `${source}:labels`, type: 'symbol', source, paint: LABEL_PAINT,
      layout: { 'symbol-placement': 'line', 'symbol-spacing': 320, 'text-field': ['get', 'label'],
        'text-size': ['case', MAJOR, 13, 11], 'text-font': ['sans-serif'] },
    };
    return [{ layer: lines, below: LINES_BELOW }, { layer: labels, below: SYMBOLS_BELOW }];
  }
  if (kind === 'centres') {
    const centres: SymbolLayerSpecification = {
      id: `${source}:centres`, type: 'symbol', source,
      layout: { 'text-field': ['format', ['get', 'kind'], { 'font-scale': 1.7 }, '\n', {}, ['get', 'label'], { 'font-scale': 0.85 }],
        'text-size': 14, 'text-font': ['sans-serif'], 'text-allow-overlap': true, 'text-line-height': 1.0 },
      paint: { ...LABEL_PAINT, 'text-color': ['match', ['get', 'kind'], 'H', '#0b3fb3', '#c0161b'] },
    };
    return [{ layer: centres, below: SYMBOLS_BELOW }];
  }
  // Barbs: a point is drawn from its own zoom band on; the icon's staff points north, turned to where the wind
  // blows from (relative to the map, so it stays right when the map is rotated).
  const barbs: SymbolLayerSpecification = {
    id: `${source}:barbs`, type: 'symbol', source, filter: ['<=', ['get', 'zoom'], ['zoom']],
    layout: { 'icon-image': ['concat', 'barb-', ['to-string',
      ['min', BARB_MAX_KT, ['*', BARB_STEP_KT, ['round', ['/', ['get', 'kt'], BARB_STEP_KT]]]]]],
      'icon-rotate': ['get', 'dir'], 'icon-rotation-alignment': 'map', 'icon-allow-overlap': true,
      'icon-ignore-placement': true },
  };
  return [{ layer: barbs, below: SYMBOLS_BELOW }];
}

const shownOn = new WeakMap<OverlayMap, Map<string, ShownOverlay>>();

/**
 * Every barb icon (`barb-35`: 35 kt), drawn before a barb layer is added: MapLibre lays a tile out with the
 * images it has, and an icon added later (in a `styleimagemissing` handler) never reaches the tiles laid out
 * without it.
 */
export function addBarbImages(map: Pick<OverlayMap, 'hasImage' | 'addImage'>, draw = drawBarb): void {
  for (let kt = 0; kt <= BARB_MAX_KT; kt += BARB_STEP_KT) {
    const id = `barb-${kt}`;
    if (!map.hasImage(id)) map.addImage(id, draw(kt), { pixelRatio: 2 });
  }
}

function remove(map: OverlayMap, overlay: ShownOverlay): void {
  for (const { layer } of overlayLayers(overlay.key, overlay.kind)) if (map.getLayer(layer.id)) map.removeLayer(layer.id);
  if (map.getSource(overlaySource(overlay.key))) map.removeSource(overlaySource(overlay.key));
}

/** Shows exactly `overlays` (the frame's, those toggled on): adds, re-points or removes sources and layers. */
export function setOverlays(map: OverlayMap, overlays: ShownOverlay[]): void {
  let shown = shownOn.get(map);
  if (!shown) {
    shown = new Map();
    shownOn.set(map, shown);
  }
  const wanted = new Map(overlays.map((o) => [o.key, o]));
  for (const [key, overlay] of shown) {
    if (wanted.get(key)?.kind !== overlay.kind) {
      remove(map, overlay);
      shown.delete(key);
    }
  }
  for (const overlay of overlays) {
    const before = shown.get(overlay.key);
    if (!before) {
      if (overlay.kind === 'barbs') addBarbImages(map);
      map.addSource(overlaySource(overlay.key), { type: 'geojson', data: overlay.url });
      for (const { layer, below } of overlayLayers(overlay.key, overlay.kind)) map.addLayer(layer, below);
    } else if (before.url !== overlay.url) {
      (map.getSource(overlaySource(overlay.key)) as GeoJSONSource).setData(overlay.url);
    }
    shown.set(overlay.key, overlay);
  }
}
