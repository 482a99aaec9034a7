/** The meteogram's data for the picked point: one `/api/v3/series` request per point, the previous aborted. */
import { useEffect, useState } from 'react';
import type { Api } from '../lib/api';
import { METEOGRAM_VARS } from '../lib/meteogram';
import type { SeriesResponse } from '../lib/types';
import type { LatLon } from '../lib/urls';

export interface PointSeries {
  /** The point this state answers for: a reply for an older point is never shown for a newer one. */
  key: string | null;
  /** null with no error: the point is outside every model (204). */
  value: SeriesResponse | null;
  error: Error | null;
  loading: boolean;
}

export const pointKey = (p: LatLon) => `${p.lat.toFixed(4)},${p.lon.toFixed(4)}`;

export function usePointSeries(api: Api, point: LatLon | null): PointSeries {
  const [state, setState] = useState<PointSeries>({ key: null, value: null, error: null, loading: false });
  const key = point ? pointKey(point) : null;
  useEffect(() => {
    if (!point || key === null) return;
    const abort = new AbortController();
    setState({ key, value: null, error: null, loading: true });
    api.series({ lat: point.lat, lon: point.lon, vars: METEOGRAM_VARS }, abort.signal).then(
      (value) => setState({ key, value, error: null, loading: false }),
      (error: Error) => {
        if (!abort.signal.aborted) setState({ key, value: null, error, loading: false });
      },
    );
    return () => abort.abort();
    // `point` is named by `key`
  }, [api, key]);
  return state.key === key ? state : { key, value: null, error: null, loading: key !== null };
}
