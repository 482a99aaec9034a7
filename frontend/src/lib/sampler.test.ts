import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApi } from './api';
import { createSampler } from './sampler';
import type { Sample, SampleQuery } from './types';
import { startBackend, type Backend } from '../test/fakeBackend';

let backend: Backend;
beforeAll(async () => {
  backend = await startBackend();
});
afterAll(() => backend.close());

const at = (lat: number): SampleQuery => ({ model: 'hrrr', run: '20260129_17z', var: 'tmp2m', fh: 1, lat, lon: -122 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function harness(delayMs = 30) {
  const delivered: (Sample | null)[] = [];
  const api = createApi(backend.origin);
  const sampler = createSampler((q, signal) => api.sample(q, signal), delayMs, (v) => delivered.push(v));
  const samplesSent = () => backend.requests.filter((r) => r.url.startsWith('/api/v3/sample')).length;
  return { delivered, sampler, samplesSent };
}

describe('hover sampler', () => {
  it('sends one request for a burst of pointer moves, for the last position', async () => {
    const { delivered, sampler, samplesSent } = harness();
    const before = samplesSent();
    for (const lat of [40, 41, 42, 43, 44]) sampler.request(at(lat));
    // Wait for the answer however loaded the machine is, then a while longer for any stray second request.
    await vi.waitFor(() => expect(delivered.length).toBe(1), { timeout: 5000, interval: 10 });
    await sleep(100);
    expect(samplesSent() - before).toBe(1);
    expect(delivered.map((s) => s?.lat)).toEqual([44]);
  });

  it('drops a slow reply that a newer request overtook', async () => {
    const { delivered, sampler } = harness(0);
    backend.sampleDelayMs = 120;
    try {
      sampler.request(at(40));
      await sleep(40);
      backend.sampleDelayMs = 0;
      sampler.request(at(45));
      await vi.waitFor(() => expect(delivered.length).toBe(1), { timeout: 5000, interval: 10 });
      await sleep(200); // the overtaken reply (120 ms) must not arrive after it
    } finally {
      backend.sampleDelayMs = 0;
    }
    expect(delivered.map((s) => s?.value)).toEqual([35]);
  });

  it('delivers nothing to show for a 204, with a single request and no retry', async () => {
    const { delivered, sampler, samplesSent } = harness();
    const before = samplesSent();
    sampler.request(at(70));
    await vi.waitFor(() => expect(delivered.length).toBe(1), { timeout: 5000, interval: 10 });
    await sleep(200); // time enough for a retry that must not come
    expect(delivered).toEqual([null]);
    expect(samplesSent() - before).toBe(1);
  });

  it('clears the value when the pointer leaves and cancels what was pending', async () => {
    const { delivered, sampler, samplesSent } = harness();
    const before = samplesSent();
    sampler.request(at(40));
    sampler.request(null);
    await sleep(100);
    expect(delivered).toEqual([null]);
    expect(samplesSent() - before).toBe(0);
  });
});
