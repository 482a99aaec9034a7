/**
 * The map's base style, fixed at creation: background, optional online basemap, then empty placeholders for the
 * boundaries and labels that later get their data. Forecast frames are inserted below `FRAMES_BELOW`, overlay lines
 * below `LINES_BELOW` (above the frames, under the boundaries) and overlay symbols below `SYMBOLS_BELOW` (under the
 * city labels), so layer order never depends on which data arrived first.
 */
import type { StyleSpecification } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { BASEMAP_ATTRIBUTION, BASEMAP_TILES } from '../lib/config';

export const BOUNDARY_SOURCE = 'boundaries';
export const PLACE_SOURCE = 'places';
export const PLACE_LABEL_LAYER = 'place-labels';
/** An empty layer marking the top of the forecast frames: frame layers go directly below it. */
export const FRAMES_BELOW = 'frames-top';
/** Overlay lines go directly below the first boundary layer, so above every frame. */
export const LINES_BELOW = 'boundary-coast';
/** Overlay labels, centres and barbs go under the city labels. */
export const SYMBOLS_BELOW = PLACE_LABEL_LAYER;

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

export function baseStyle(): StyleSpecification {
  const basemap: StyleSpecification['layers'] = BASEMAP_TILES
    ? [{ id: 'basemap', type: 'raster', source: 'basemap' }]
    : [];
  return {
    version: 8,
    // Paint changes (frame swaps) apply on the next paint: a transition would cross-fade two frames.
    transition: { duration: 0, delay: 0 },
    sources: {
      ...(BASEMAP_TILES
        ? { basemap: { type: 'raster', tiles: [BASEMAP_TILES], tileSize: 256, attribution: BASEMAP_ATTRIBUTION } }
        : {}),
      [BOUNDARY_SOURCE]: { type: 'geojson', data: EMPTY },
      [PLACE_SOURCE]: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#dfe6ec' } },
      ...basemap,
      { id: FRAMES_BELOW, type: 'background', layout: { visibility: 'none' } },
      {
        id: LINES_BELOW,
        type: 'line',
        source: BOUNDARY_SOURCE,
        filter: ['==', ['get', 'kind'], 'coast'],
        paint: { 'line-color': '#2b3a48', 'line-width': 1.1 },
      },
      {
        id: 'boundary-country',
        type: 'line',
        source: BOUNDARY_SOURCE,
        filter: ['==', ['get', 'kind'], 'country'],
        paint: { 'line-color': '#1d2630', 'line-width': 1.4 },
      },
      {
        id: 'boundary-state',
        type: 'line',
        source: BOUNDARY_SOURCE,
        filter: ['==', ['get', 'kind'], 'state'],
        paint: { 'line-color': '#0d141a', 'line-width': 1.1, 'line-opacity': 0.9 },
      },
      {
        id: PLACE_LABEL_LAYER,
        type: 'symbol',
        source: PLACE_SOURCE,
        layout: {
          // "Seattle 41°": the value stays beside its name; the most populous place wins a collision.
          'text-field': ['concat', ['get', 'name'], ' ', ['get', 'label']],
          'text-size': 12,
          'text-font': ['sans-serif'],
          'symbol-sort-key': ['-', 0, ['get', 'population']],
          'text-padding': 4,
        },
        paint: { 'text-color': '#0b1620', 'text-halo-color': '#ffffff', 'text-halo-width': 1.8 },
      },
    ],
  };
}
