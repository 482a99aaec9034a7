/** Region presets from the API (localStorage + ETag revalidation, offline fallback). Loaded once per page. */
import { useEffect, useState } from 'react';
import type { Api } from '../lib/api';
import { loadRegions, type RegionsSource } from '../lib/regionsCache';
import type { Region } from '../lib/types';

export interface RegionsState {
  regions: Region[];
  defaultId: string | null;
  status: 'loading' | 'ready' | 'failed';
  source: RegionsSource | null;
}

export function useRegions(api: Api): RegionsState {
  const [state, setState] = useState<RegionsState>({ regions: [], defaultId: null, status: 'loading', source: null });
  useEffect(() => {
    const abort = new AbortController();
    loadRegions(api, window.localStorage, abort.signal)
      .then(({ payload, source }) =>
        setState({ regions: payload.regions, defaultId: payload.default, status: 'ready', source }),
      )
      .catch(() => {
        if (!abort.signal.aborted) setState((s) => ({ ...s, status: 'failed' }));
      });
    return () => abort.abort();
  }, [api]);
  return state;
}
