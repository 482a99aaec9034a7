/** Hover value under the pointer for the frame on screen (policy in `lib/sampler`: debounce, latest wins). */
import { useEffect, useRef, useState } from 'react';
import type { Api } from '../lib/api';
import { SAMPLE_DEBOUNCE_MS } from '../lib/config';
import { createSampler, type Sampler } from '../lib/sampler';
import type { Sample } from '../lib/types';

export interface FrameIdentity {
  model: string;
  run: string;
  var: string;
  fh: number;
}

export interface PointerPoint {
  lat: number;
  lon: number;
}

export function useSample(api: Api, frame: FrameIdentity | null, point: PointerPoint | null): Sample | null {
  const [sample, setSample] = useState<Sample | null>(null);
  const sampler = useRef<Sampler | null>(null);

  useEffect(() => {
    const created = createSampler((query, signal) => api.sample(query, signal), SAMPLE_DEBOUNCE_MS, setSample);
    sampler.current = created;
    return () => created.dispose();
  }, [api]);

  const { model, run, var: variable, fh } = frame ?? {};
  const { lat, lon } = point ?? {};
  useEffect(() => {
    const ready = model && run && variable && fh !== undefined && lat !== undefined && lon !== undefined;
    sampler.current?.request(ready ? { model, run, var: variable, fh, lat, lon } : null);
  }, [model, run, variable, fh, lat, lon]);

  return sample;
}
