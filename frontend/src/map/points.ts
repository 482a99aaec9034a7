/** The city labels and the picked point as map data (their layers are fixed in `style.ts`). */
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { FeatureCollection, Point } from 'geojson';
import { labelValue } from '../lib/places';
import type { LatLon } from '../lib/urls';
import type { PlaceValues } from '../hooks/usePlaceValues';
import { PLACE_SOURCE, POINT_SOURCE } from './style';

function collection(features: FeatureCollection<Point>['features']): FeatureCollection<Point> {
  return { type: 'FeatureCollection', features };
}

export function setPlaceLabels(map: MapLibreMap, labels: PlaceValues): void {
  const features = labels.places.map((p, i) => ({
    type: 'Feature' as const,
    geometry: { type: 'Point' as const, coordinates: [p.lon, p.lat] },
    properties: { name: p.name, population: p.population, label: labelValue(labels.values[i], labels.units),
      value: labels.values[i] },
  }));
  (map.getSource(PLACE_SOURCE) as GeoJSONSource | undefined)?.setData(collection(features));
}

export function setPickedPoint(map: MapLibreMap, point: LatLon | null): void {
  const features = point
    ? [{ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [point.lon, point.lat] }, properties: {} }]
    : [];
  (map.getSource(POINT_SOURCE) as GeoJSONSource | undefined)?.setData(collection(features));
}
