/**
 * The city labels as map data (their layer is fixed in `style.ts`) and the picked point as a DOM marker: moving a
 * marker costs no WebGL frame, and on a software-rendered map one frame is hundreds of ms that a click would
 * otherwise wait for before its meteogram shows.
 */
import { Marker, type GeoJSONSource, type Map as MapLibreMap } from 'maplibre-gl';
import type { FeatureCollection, Point } from 'geojson';
import { labelValue } from '../lib/places';
import type { LatLon } from '../lib/urls';
import type { PlaceValues } from '../hooks/usePlaceValues';
import { PLACE_SOURCE } from './style';

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

/** The picked point's marker: `place` moves it (or hides it for null), `remove` takes it off the map. */
export interface PickedPointMarker {
  place: (point: LatLon | null) => void;
  remove: () => void;
}

export function pickedPointMarker(map: MapLibreMap): PickedPointMarker {
  const element = document.createElement('div');
  element.className = 'picked-point';
  element.dataset.testid = 'picked-point';
  const marker = new Marker({ element });
  let shown = false;
  return {
    place(point) {
      if (point) marker.setLngLat([point.lon, point.lat]);
      if (point && !shown) marker.addTo(map);
      if (!point && shown) marker.remove();
      shown = point !== null;
    },
    remove: () => marker.remove(),
  };
}
