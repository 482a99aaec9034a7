/** Region presets from the API (localStorage + ETag revalidation, offline fallback). Loaded once per page. */
import { useEffect, useState } from 'react';
import type { Api } from '../lib/api';
import { loadRegions } from '../lib/regionsCache';
import type { Region } from '../lib/types';

export interface RegionsState {
  regions: Region[];
  defaultId: string | null;
  status: 'loading' | 'ready' | 'failed';
}

export function useRegions(api: Api): RegionsState {
  const [state, setState] = useState<RegionsState>({ regions: [], defaultId: null, status: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    loadRegions(api, window.localStorage, abort.signal)
      .then(({ payload }) => setState({ regions: payload.regions, defaultId: payload.default, status: 'ready' }))
      .catch(() => {
        if (!abort.signal.aborted) setState((s) => ({ ...s, status: 'failed' }));
      });
    return () => abort.abort();
  }, [api]);
  return state;
}
