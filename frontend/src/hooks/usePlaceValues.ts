/**
 * Values for the city labels of the view: one `POST /api/v3/sample/batch` per frame change (or view change),
 * the previous one aborted; labels keep their last values until the new ones arrive.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Api } from '../lib/api';
import { placesInView, type Place } from '../lib/places';
import type { BBox } from '../lib/types';
import type { FrameIdentity } from './useSample';

export interface Viewport {
  bounds: BBox;
  zoom: number;
}

export interface PlaceValues {
  places: Place[];
  /** Same order as `places`; null where the frame has no data. */
  values: (number | null)[];
  units: string;
}

const NONE: PlaceValues = { places: [], values: [], units: '' };

export function usePlaceValues(api: Api, frame: FrameIdentity | null, viewport: Viewport | null,
  enabled: boolean): PlaceValues {
  const [state, setState] = useState<PlaceValues>(NONE);
  const places = useMemo(
    () => (enabled && viewport ? placesInView(viewport.bounds, viewport.zoom) : []),
    [enabled, viewport],
  );
  const frameKey = frame ? `${frame.model}/${frame.run}/${frame.var}/${frame.fh}` : null;
  // A move that keeps the same places on screen (a small pan, a region's zoom limits) asks for nothing new.
  const placesKey = places.map((p) => p.name).join('|');
  useEffect(() => {
    if (!frame || places.length === 0) {
      setState(NONE);
      return;
    }
    const abort = new AbortController();
    const points = places.map((p): [number, number] => [p.lat, p.lon]);
    api.sampleBatch({ ...frame, points }, abort.signal).then(
      (answer) => setState({ places, values: answer.values, units: answer.units }),
      () => undefined, // labels keep their last values; the next frame change asks again
    );
    return () => abort.abort();
    // `frame` and `places` are named by `frameKey` and `placesKey`
  }, [api, frameKey, placesKey]);
  return enabled ? state : NONE;
}
