/**
 * Region presets from `/api/regions`, kept in localStorage with their ETag. Each load revalidates with
 * `If-None-Match`; a `304` keeps the stored payload, a `200` replaces it, and when the network fails the stored
 * payload is used (risk 4 of the plan: stale config is only ever a fallback, never preferred over the server).
 */
import type { Api } from './api';
import type { RegionsResponse } from './types';

export const REGIONS_STORAGE_KEY = 'twf.regions.v1';

/** How the presets in hand were obtained, shown to nobody but handy in tests and diagnostics. */
export type RegionsSource = 'network' | 'revalidated' | 'offline-cache';

export interface LoadedRegions {
  payload: RegionsResponse;
  source: RegionsSource;
}

interface StoredRegions {
  etag: string | null;
  payload: RegionsResponse;
}

/** The subset of `Storage` the cache needs, so tests can hand in any store. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

function isRegionsResponse(value: unknown): value is RegionsResponse {
  const v = value as RegionsResponse | null;
  return !!v && typeof v.default === 'string' && Array.isArray(v.regions);
}

export function readStoredRegions(store: KeyValueStore): StoredRegions | null {
  try {
    const raw = store.getItem(REGIONS_STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as StoredRegions;
    return isRegionsResponse(parsed.payload) ? { etag: parsed.etag ?? null, payload: parsed.payload } : null;
  } catch {
    return null;
  }
}

function writeStoredRegions(store: KeyValueStore, value: StoredRegions): void {
  try {
    store.setItem(REGIONS_STORAGE_KEY, JSON.stringify(value));
  } catch {
    // A full or disabled localStorage only costs the next load a full download.
  }
}

function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

export async function loadRegions(api: Api, store: KeyValueStore, signal?: AbortSignal): Promise<LoadedRegions> {
  const stored = readStoredRegions(store);
  try {
    const answer = await api.regions(stored?.etag ?? null, signal);
    if (answer.status === 'not-modified') {
      if (stored) return { payload: stored.payload, source: 'revalidated' };
      // A 304 without anything stored cannot happen unless the store was wiped mid-flight: fetch it whole.
      const fresh = await api.regions(null, signal);
      if (fresh.status === 'not-modified') throw new Error('regions: 304 to an unconditional request');
      writeStoredRegions(store, { etag: fresh.etag, payload: fresh.body });
      return { payload: fresh.body, source: 'network' };
    }
    writeStoredRegions(store, { etag: answer.etag, payload: answer.body });
    return { payload: answer.body, source: 'network' };
  } catch (err) {
    if (stored && !isAbort(err)) return { payload: stored.payload, source: 'offline-cache' };
    throw err;
  }
}
