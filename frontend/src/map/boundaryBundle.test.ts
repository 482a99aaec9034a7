/**
 * The Python exporter draws the same state, country and coast lines as the map (`boundaryLines`), from a copy
 * bundled in the Python package (`src/twf/export/boundaries.json`): this test is what keeps the copy equal to
 * what the viewer draws. `TWF_UPDATE_BOUNDARIES=1 npx vitest run src/map/boundaryBundle.test.ts` rewrites it
 * (after an atlas upgrade or a change to `boundaryLines`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LineLayerSpecification } from 'maplibre-gl';
import { boundaryLines } from './boundaries';
import { BOUNDARY_SOURCE, baseStyle } from './style';

const BUNDLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src/twf/export/boundaries.json');
/** The canonical CONUS grid in lon/lat (`twf.grid.CONUS_BOUNDS_4326`), widened a degree: no export reaches past it. */
const BOX = [-135.21, 19.56, -58.83, 54.2];
/** 1e-4° is ~10 m: far below a pixel of any export (the widest is 1920 px). */
const round = (v: number) => Math.round(v * 1e4) / 1e4;

type Line = number[][];

/** The parts of `line` inside BOX, each carrying one point beyond the box at either end so it reaches the edge. */
function clip(line: Line): Line[] {
  const inside = line.map(([lon, lat]) => lon >= BOX[0] && lon <= BOX[2] && lat >= BOX[1] && lat <= BOX[3]);
  const parts: Line[] = [];
  let current: Line | null = null;
  line.forEach((point, i) => {
    const keep = inside[i] || inside[i - 1] === true || inside[i + 1] === true;
    if (!keep) {
      current = null;
      return;
    }
    if (current === null) parts.push((current = []));
    current.push([round(point[0]), round(point[1])]);
  });
  return parts.filter((p) => p.length >= 2);
}

/** The map's background colour and each boundary layer's paint, bottom first, as `baseStyle` sets them. */
function paints() {
  const layers = baseStyle().layers;
  const background = layers.find((l) => l.type === 'background')?.paint?.['background-color'];
  const styles: Record<string, { color: unknown; width: unknown; opacity: unknown }> = {};
  for (const layer of layers) {
    if (layer.type !== 'line' || (layer as LineLayerSpecification).source !== BOUNDARY_SOURCE) continue;
    const kind = (layer.filter as unknown[])[2] as string;
    const paint = (layer as LineLayerSpecification).paint ?? {};
    styles[kind] = { color: paint['line-color'], width: paint['line-width'], opacity: paint['line-opacity'] ?? 1 };
  }
  return { background, styles };
}

async function bundle() {
  const lines = await boundaryLines();
  const byKind: Record<string, Line[]> = {};
  for (const feature of lines.features) {
    byKind[feature.properties.kind] = feature.geometry.coordinates.flatMap(clip);
  }
  return {
    about: 'The state, country and coast lines and paint of the viewer\'s map (frontend/src/map/boundaries.ts, '
      + 'style.ts), clipped to the canonical CONUS grid; written by frontend/src/map/boundaryBundle.test.ts. '
      + 'Data and licences: BOUNDARIES.md beside this file.',
    bbox: BOX,
    ...paints(),
    lines: byKind,
  };
}

describe('boundaries bundled for the Python exporter', () => {
  it('are the lines the map draws, clipped to the canonical grid', async () => {
    const expected = JSON.stringify(await bundle());
    if (process.env.TWF_UPDATE_BOUNDARIES === '1') writeFileSync(BUNDLE, expected);
    expect(readFileSync(BUNDLE, 'utf8')).toBe(expected);
  });
});
