/**
 * Offline state, country and coast lines from the npm atlases (Natural Earth via `us-atlas` / `world-atlas`),
 * converted from TopoJSON at run time. Loaded lazily so they never delay the first forecast frame.
 */
import type { Map as MapLibreMap, GeoJSONSource } from 'maplibre-gl';
import type { Feature, FeatureCollection, MultiLineString } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { mesh } from 'topojson-client';
import { BOUNDARY_SOURCE } from './style';

type Kind = 'state' | 'country' | 'coast';

function line(kind: Kind, geometry: MultiLineString): Feature<MultiLineString, { kind: Kind }> {
  return { type: 'Feature', properties: { kind }, geometry };
}

export async function boundaryLines(): Promise<FeatureCollection<MultiLineString, { kind: Kind }>> {
  const [us, world] = await Promise.all([
    import('us-atlas/states-10m.json').then((m) => m.default as unknown as Topology),
    import('world-atlas/countries-50m.json').then((m) => m.default as unknown as Topology),
  ]);
  const states = us.objects.states as GeometryCollection;
  const countries = world.objects.countries as GeometryCollection;
  return {
    type: 'FeatureCollection',
    features: [
      // Interior borders only (a !== b), so a coast is never drawn twice.
      line('state', mesh(us, states, (a, b) => a !== b)),
      line('country', mesh(world, countries, (a, b) => a !== b)),
      line('coast', mesh(world, countries, (a, b) => a === b)),
    ],
  };
}

export async function addBoundaries(map: MapLibreMap): Promise<void> {
  const data = await boundaryLines();
  (map.getSource(BOUNDARY_SOURCE) as GeoJSONSource | undefined)?.setData(data);
}
