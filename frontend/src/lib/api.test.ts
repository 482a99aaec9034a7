import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApi } from './api';
import { deadOrigin, REGIONS, REGIONS_ETAG, startBackend, type Backend } from '../test/fakeBackend';

let backend: Backend;
beforeAll(async () => {
  backend = await startBackend();
});
afterAll(() => backend.close());

const query = { model: 'hrrr', run: '20260129_17z', var: 'tmp2m', fh: 1, lat: 45.5, lon: -122.6 };

describe('API client', () => {
  it('parses a discovery response', async () => {
    const models = await createApi(backend.origin).models();
    expect(models.models.map((m) => m.id)).toEqual(['hrrr']);
  });

  it('turns a JSON error into an ApiError with the API code and detail', async () => {
    const err = await createApi(backend.origin).runs('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: 'unknown_model', message: 'unknown model in /api/v3/nope/runs' });
  });

  it('turns a non-JSON error page into an ApiError too', async () => {
    const err = await createApi(backend.origin).runs('broken').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: 'http_error' });
  });

  it('returns the sampled value with units', async () => {
    const sample = await createApi(backend.origin).sample(query);
    expect(sample).toMatchObject({ value: 35.5, units: '°F', lat: 45.5, lon: -122.6, fh: 1 });
  });

  it('answers null to a 204 sample, with exactly one request (no retry)', async () => {
    const before = backend.requests.length;
    const sample = await createApi(backend.origin).sample({ ...query, lat: 70 });
    expect(sample).toBeNull();
    expect(backend.requests.slice(before).map((r) => r.url)).toEqual([
      '/api/v3/sample?model=hrrr&run=20260129_17z&var=tmp2m&fh=1&lat=70.0000&lon=-122.6000',
    ]);
  });

  it('asks for a series with the point rounded and the variables listed, and reads a 204 as null', async () => {
    const api = createApi(backend.origin);
    const series = await api.series({ lat: 45.123456, lon: -122.6, vars: ['tmp2m', 'dp2m'] });
    expect(series).toEqual({ lat: 45.1235, lon: -122.6, series: [] });
    expect(backend.requests.at(-1)?.url).toBe('/api/v3/series?lat=45.1235&lon=-122.6000&vars=tmp2m%2Cdp2m');
    expect(await api.series({ lat: 70, lon: 0 })).toBeNull();
  });

  it('posts a batch of points as JSON and gets their values in order', async () => {
    const answer = await createApi(backend.origin).sampleBatch({ ...query, points: [[45, -122], [70, 0]] });
    expect(answer.values).toEqual([35, null]);
    expect(backend.bodies.at(-1)).toEqual({ model: 'hrrr', run: '20260129_17z', var: 'tmp2m', fh: 1,
      lat: 45.5, lon: -122.6, points: [[45, -122], [70, 0]] });
  });

  it('sends If-None-Match for regions and reports a 304 as not modified', async () => {
    const api = createApi(backend.origin);
    const first = await api.regions(null);
    expect(first).toEqual({ status: 'modified', body: REGIONS, etag: REGIONS_ETAG });
    expect(await api.regions(REGIONS_ETAG)).toEqual({ status: 'not-modified' });
    expect(backend.requests.at(-1)?.headers['if-none-match']).toBe(REGIONS_ETAG);
  });

  it('lets an aborted request reject as an AbortError', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(createApi(backend.origin).models(abort.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects with a network error when the server is unreachable', async () => {
    await expect(createApi(await deadOrigin()).models()).rejects.toBeInstanceOf(TypeError);
  });
});
