/**
 * The map's base style, fixed at creation: background, optional online basemap, then empty placeholders for the
 * boundaries and contours that later get their data. Forecast frames are inserted below `FRAMES_BELOW`, so layer
 * order never depends on which data arrived first.
 */
import type { StyleSpecification } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { BASEMAP_ATTRIBUTION, BASEMAP_TILES } from '../lib/config';

export const BOUNDARY_SOURCE = 'boundaries';
export const CONTOUR_SOURCE = 'contours';
export const CONTOUR_LINE_LAYER = 'contour-lines';
export const CONTOUR_LABEL_LAYER = 'contour-labels';
export const PLACE_SOURCE = 'places';
export const PLACE_LABEL_LAYER = 'place-labels';
export const POINT_SOURCE = 'picked-point';
/** Forecast frame layers go directly below this layer: contour lines, then boundaries and labels on top. */
export const FRAMES_BELOW = CONTOUR_LINE_LAYER;

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
      [CONTOUR_SOURCE]: { type: 'geojson', data: EMPTY },
      [PLACE_SOURCE]: { type: 'geojson', data: EMPTY },
      [POINT_SOURCE]: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#dfe6ec' } },
      ...basemap,
      {
        id: CONTOUR_LINE_LAYER,
        type: 'line',
        source: CONTOUR_SOURCE,
        layout: { visibility: 'none', 'line-join': 'round' },
        paint: {
          'line-color': ['case', ['to-boolean', ['get', 'major']], '#1a1aff', '#333333'],
          'line-width': ['case', ['to-boolean', ['get', 'major']], 2.6, 0.8],
          'line-opacity': ['case', ['to-boolean', ['get', 'major']], 0.95, 0.55],
        },
      },
      {
        id: 'boundary-coast',
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
        id: CONTOUR_LABEL_LAYER,
        type: 'symbol',
        source: CONTOUR_SOURCE,
        // No glyphs URL: MapLibre draws the labels with the browser's own fonts, which keeps the map offline.
        layout: {
          visibility: 'none',
          'symbol-placement': 'line',
          'symbol-spacing': 320,
          'text-field': ['concat', ['number-format', ['get', 'value'], { 'max-fraction-digits': 0 }], '°'],
          'text-size': ['case', ['to-boolean', ['get', 'major']], 13, 11],
          'text-font': ['sans-serif'],
        },
        paint: { 'text-color': '#111111', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 },
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
      {
        id: POINT_SOURCE,
        type: 'circle',
        source: POINT_SOURCE,
        paint: { 'circle-radius': 6, 'circle-color': '#ffffff', 'circle-stroke-color': '#111111', 'circle-stroke-width': 2.5 },
      },
    ],
  };
}
