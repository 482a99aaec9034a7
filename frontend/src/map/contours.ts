/** The tmp2m isotherm overlay: one GeoJSON source fed the current frame's contour URL, lines + value labels. */
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { CONTOUR_LABEL_LAYER, CONTOUR_LINE_LAYER, CONTOUR_SOURCE } from './style';

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

/** Shows the contours at `url` (absolute), or hides the overlay when `url` is null. */
export function setContours(map: MapLibreMap, url: string | null): void {
  const source = map.getSource(CONTOUR_SOURCE) as GeoJSONSource | undefined;
  if (!source) return;
  const visibility = url ? 'visible' : 'none';
  for (const layer of [CONTOUR_LINE_LAYER, CONTOUR_LABEL_LAYER]) map.setLayoutProperty(layer, 'visibility', visibility);
  source.setData(url ?? EMPTY);
}
