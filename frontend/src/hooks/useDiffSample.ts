/** A − B under the pointer (same policy as `useSample`: debounced, latest wins, `204` shows nothing). */
import { useEffect, useRef, useState } from 'react';
import type { Api, DiffQuery } from '../lib/api';
import { SAMPLE_DEBOUNCE_MS } from '../lib/config';
import { createSampler, type Sampler } from '../lib/sampler';
import type { DiffSample } from '../lib/types';
import type { PointerPoint } from './useSample';

export function useDiffSample(api: Api, a: string | null, b: string | null, point: PointerPoint | null): DiffSample | null {
  const [sample, setSample] = useState<DiffSample | null>(null);
  const sampler = useRef<Sampler<DiffQuery> | null>(null);

  useEffect(() => {
    const created = createSampler<DiffQuery, DiffSample>((q, signal) => api.diffSample(q, signal), SAMPLE_DEBOUNCE_MS,
      setSample);
    sampler.current = created;
    return () => created.dispose();
  }, [api]);

  const { lat, lon } = point ?? {};
  useEffect(() => {
    sampler.current?.request(a && b && lat !== undefined && lon !== undefined ? { a, b, lat, lon } : null);
  }, [a, b, lat, lon]);

  return sample;
}
