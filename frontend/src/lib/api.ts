/**
 * Typed client of the TWF v3 API. Every request goes through here; hooks call it from effects, never from render.
 * A `204` (sample outside the grid or on nodata) is an answer, not an error: it resolves to `null` and is never
 * retried.
 */
import { absoluteUrl, apiPaths } from './urls';
import type {
  ApiErrorBody,
  BatchRequest,
  BatchResponse,
  DiffLegend,
  DiffSample,
  FramesResponse,
  ModelsResponse,
  RegionsResponse,
  RunManifest,
  RunsResponse,
  Sample,
  SampleQuery,
  SeriesQuery,
  SeriesResponse,
  TrendResponse,
  VarsResponse,
} from './types';

/** A 4xx/5xx answer, with the API's one-line `{error, detail}` when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** A conditional GET's outcome: a new body (with its ETag), or `304 Not Modified`. */
export type Revalidated<T> = { status: 'modified'; body: T; etag: string | null } | { status: 'not-modified' };

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** A difference sample: two frame addresses and a point. */
export interface DiffQuery {
  a: string;
  b: string;
  lat: number;
  lon: number;
}

async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>;
    return new ApiError(response.status, body.error ?? 'http_error', body.detail ?? response.statusText);
  } catch {
    return new ApiError(response.status, 'http_error', `HTTP ${response.status}`);
  }
}

export function createApi(origin: string, fetchFn: FetchFn = (input, init) => fetch(input, init)) {
  function get(path: string, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<Response> {
    return fetchFn(absoluteUrl(path, origin), { signal, headers: { accept: 'application/json', ...headers } });
  }

  /** The JSON body of a 2xx answer; any other status becomes an `ApiError`. */
  async function body<T>(response: Response): Promise<T> {
    if (!response.ok) throw await errorFrom(response);
    return (await response.json()) as T;
  }

  const getJson = async <T>(path: string, signal?: AbortSignal): Promise<T> => body<T>(await get(path, signal));

  return {
    models: (signal?: AbortSignal) => getJson<ModelsResponse>(apiPaths.models(), signal),
    runs: (model: string, signal?: AbortSignal) => getJson<RunsResponse>(apiPaths.runs(model), signal),
    vars: (model: string, run: string, signal?: AbortSignal) =>
      getJson<VarsResponse>(apiPaths.vars(model, run), signal),
    manifest: (model: string, run: string, signal?: AbortSignal) =>
      getJson<RunManifest>(apiPaths.manifest(model, run), signal),
    frames: (model: string, run: string, variable: string, signal?: AbortSignal) =>
      getJson<FramesResponse>(apiPaths.frames(model, run, variable), signal),

    /** `/api/regions`, revalidated with `If-None-Match` when an ETag is known (the browser then hands us the 304). */
    async regions(etag: string | null, signal?: AbortSignal): Promise<Revalidated<RegionsResponse>> {
      const response = await get(apiPaths.regions(), signal, etag ? { 'if-none-match': etag } : {});
      if (response.status === 304) return { status: 'not-modified' };
      return { status: 'modified', body: await body<RegionsResponse>(response), etag: response.headers.get('etag') };
    },

    /** The value under a point, or `null` when the API answers `204` (outside the grid or nodata). */
    async sample(query: SampleQuery, signal?: AbortSignal): Promise<Sample | null> {
      const response = await get(apiPaths.sample(query), signal);
      return response.status === 204 ? null : body<Sample>(response);
    },

    /** One point's forecast from several models, or `null` when the API answers `204` (outside every model). */
    async series(query: SeriesQuery, signal?: AbortSignal): Promise<SeriesResponse | null> {
      const response = await get(apiPaths.series(query), signal);
      return response.status === 204 ? null : body<SeriesResponse>(response);
    },

    /** The values of one frame at up to 500 points, in order (`POST`, never cached). */
    async sampleBatch(request: BatchRequest, signal?: AbortSignal): Promise<BatchResponse> {
      const response = await fetchFn(absoluteUrl(apiPaths.sampleBatch(), origin), {
        method: 'POST',
        signal,
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      return body<BatchResponse>(response);
    },

    /** The diverging scale, frames and tile template of A − B (frame addresses, `lib/compare.frameAddress`). */
    diffLegend: (a: string, b: string, signal?: AbortSignal) => getJson<DiffLegend>(apiPaths.diffLegend(a, b), signal),

    /** A − B under a point with both values, or `null` where either side has no data (`204`). */
    async diffSample(query: DiffQuery, signal?: AbortSignal): Promise<DiffSample | null> {
      const response = await get(apiPaths.diffSample(query.a, query.b, query.lat, query.lon), signal);
      return response.status === 204 ? null : body<DiffSample>(response);
    },

    trend: (model: string, variable: string, validTime: string, runs: number, signal?: AbortSignal) =>
      getJson<TrendResponse>(apiPaths.trend(model, variable, validTime, runs), signal),
  };
}

export type Api = ReturnType<typeof createApi>;
