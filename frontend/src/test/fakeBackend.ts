/**
 * A real HTTP server on 127.0.0.1 answering the documented API shapes (docs/API.md), for the client's unit
 * tests. It records every request so tests can assert what the client sent. The real backend is exercised by
 * the browser end-to-end tests.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RegionsResponse } from '../lib/types';

export const REGIONS: RegionsResponse = {
  default: 'pnw',
  regions: [
    { id: 'pnw', label: 'Pacific Northwest', bbox: [-126, 41, -110, 50], defaultCenter: [-120.5, 45.5],
      defaultZoom: 6, minZoom: 3, maxZoom: 10 },
    { id: 'conus', label: 'CONUS', bbox: [-127, 22, -64, 52], defaultCenter: [-96, 38], defaultZoom: 4 },
  ],
};
export const REGIONS_ETAG = '"regions-v1"';

export interface Backend {
  origin: string;
  requests: { url: string; headers: IncomingMessage['headers'] }[];
  regions: RegionsResponse;
  /** JSON bodies of POST requests, in order. */
  bodies: unknown[];
  /** Delay of sample answers, to let a newer request overtake an older one. */
  sampleDelayMs: number;
  close: () => Promise<void>;
}

function json(res: import('node:http').ServerResponse, status: number, body: unknown, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startBackend(): Promise<Backend> {
  const backend = { requests: [], bodies: [], regions: REGIONS, sampleDelayMs: 0 } as unknown as Backend;
  const server: Server = createServer(async (req, res) => {
    backend.requests.push({ url: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/regions') {
      const etag = backend.regions === REGIONS ? REGIONS_ETAG : '"regions-v2"';
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag, 'cache-control': 'public, max-age=300' });
        res.end();
        return;
      }
      json(res, 200, backend.regions, { etag, 'cache-control': 'public, max-age=300' });
    } else if (url.pathname === '/api/v3/models') {
      json(res, 200, { contract_version: '3.0', models: [{ id: 'hrrr', label: 'HRRR', description: 'x', latest_run: '20260129_17z' }] });
    } else if (url.pathname === '/api/v3/sample') {
      await new Promise((resolve) => setTimeout(resolve, backend.sampleDelayMs));
      if (Number(url.searchParams.get('lat')) > 60) {
        res.writeHead(204);
        res.end();
        return;
      }
      const q = Object.fromEntries(url.searchParams);
      json(res, 200, { ...q, fh: Number(q.fh), lat: Number(q.lat), lon: Number(q.lon), value: Number(q.lat) - 10, units: '°F',
        valid_time: '2026-01-29T18:00:00Z', method: 'bilinear' });
    } else if (url.pathname === '/api/v3/series') {
      if (Number(url.searchParams.get('lat')) > 60) {
        res.writeHead(204);
        res.end();
        return;
      }
      json(res, 200, { lat: Number(url.searchParams.get('lat')), lon: Number(url.searchParams.get('lon')), series: [] });
    } else if (url.pathname === '/api/v3/sample/batch' && req.method === 'POST') {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const body = JSON.parse(raw) as { points: [number, number][] };
      backend.bodies.push(body);
      json(res, 200, { values: body.points.map(([lat]) => (lat > 60 ? null : lat - 10)), units: '°F' });
    } else if (url.pathname === '/api/v3/broken/runs') {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    } else {
      json(res, 404, { error: 'unknown_model', detail: `unknown model in ${url.pathname}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  backend.close = () => new Promise((resolve) => server.close(() => resolve()));
  return backend;
}

/** An origin nothing listens on: requests to it fail like a dropped network. */
export async function deadOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** localStorage stand-in for Node (same getItem/setItem contract). */
export class MemoryStore {
  private readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
}
