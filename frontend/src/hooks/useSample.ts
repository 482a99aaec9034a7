/**
 * Hover value under the pointer: debounced, each new request aborts the previous one and replies that arrive
 * out of date are dropped. A `204` (outside the data) shows nothing and is not retried; nor is a failure.
 */
import { useEffect, useRef, useState } from 'react';
import type { Api } from '../lib/api';
import { SAMPLE_DEBOUNCE_MS } from '../lib/config';
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
  const seq = useRef(0);
  const frameKey = frame ? `${frame.model}/${frame.run}/${frame.var}/${frame.fh}` : '';

  useEffect(() => {
    const mine = ++seq.current;
    if (!frame || !point) {
      setSample(null);
      return;
    }
    const abort = new AbortController();
    const timer = window.setTimeout(() => {
      api
        .sample({ ...frame, lat: point.lat, lon: point.lon }, abort.signal)
        .then((value) => {
          if (mine === seq.current) setSample(value);
        })
        .catch(() => {
          if (mine === seq.current) setSample(null);
        });
    }, SAMPLE_DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
    // The frame is compared by its key; the point by its coordinates.
  }, [api, frameKey, point?.lat, point?.lon]);

  return sample;
}
