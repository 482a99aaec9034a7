import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from './api';
import { loadRegions, readStoredRegions, REGIONS_STORAGE_KEY } from './regionsCache';
import { deadOrigin, MemoryStore, REGIONS, REGIONS_ETAG, startBackend, type Backend } from '../test/fakeBackend';
import type { RegionsResponse } from './types';

let backend: Backend;
beforeAll(async () => {
  backend = await startBackend();
});
afterAll(() => backend.close());

describe('regions cache', () => {
  it('downloads on first use and stores the payload with its ETag', async () => {
    const store = new MemoryStore();
    const loaded = await loadRegions(createApi(backend.origin), store);
    expect(loaded).toEqual({ payload: REGIONS, source: 'network' });
    expect(readStoredRegions(store)).toEqual({ etag: REGIONS_ETAG, payload: REGIONS });
  });

  it('revalidates with If-None-Match and keeps the stored payload on 304', async () => {
    const store = new MemoryStore();
    await loadRegions(createApi(backend.origin), store);
    const loaded = await loadRegions(createApi(backend.origin), store);
    expect(loaded).toEqual({ payload: REGIONS, source: 'revalidated' });
    expect(backend.requests.at(-1)?.headers['if-none-match']).toBe(REGIONS_ETAG);
  });

  it('replaces the stored payload when the server has new presets', async () => {
    const store = new MemoryStore();
    await loadRegions(createApi(backend.origin), store);
    const updated: RegionsResponse = { ...REGIONS, default: 'conus' };
    backend.regions = updated;
    try {
      const loaded = await loadRegions(createApi(backend.origin), store);
      expect(loaded).toEqual({ payload: updated, source: 'network' });
      expect(readStoredRegions(store)?.payload.default).toBe('conus');
    } finally {
      backend.regions = REGIONS;
    }
  });

  it('falls back to the stored payload when the network fails', async () => {
    const store = new MemoryStore();
    await loadRegions(createApi(backend.origin), store);
    const loaded = await loadRegions(createApi(await deadOrigin()), store);
    expect(loaded).toEqual({ payload: REGIONS, source: 'offline-cache' });
  });

  it('fails when the network fails and nothing is stored', async () => {
    await expect(loadRegions(createApi(await deadOrigin()), new MemoryStore())).rejects.toBeInstanceOf(TypeError);
  });

  it('ignores a corrupted stored entry and downloads again', async () => {
    const store = new MemoryStore();
    store.setItem(REGIONS_STORAGE_KEY, '{not json');
    const before = backend.requests.length;
    const loaded = await loadRegions(createApi(backend.origin), store);
    expect(loaded.source).toBe('network');
    expect(backend.requests[before].headers['if-none-match']).toBeUndefined();
  });
});
