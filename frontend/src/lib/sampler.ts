/**
 * Hover sampling policy, apart from React: a request waits for the pointer to rest (`delayMs`), a newer request
 * aborts the older one, and a reply that arrives after a newer request is dropped. A `204` or a failure delivers
 * `null` (nothing shown) and is never retried.
 */
import type { Sample, SampleQuery } from './types';

export type SampleFn<Q = SampleQuery, S = Sample> = (query: Q, signal: AbortSignal) => Promise<S | null>;

export interface Sampler<Q = SampleQuery> {
  /** Asks for the value at `query` (null: the pointer left the map). */
  request: (query: Q | null) => void;
  dispose: () => void;
}

/** `Q`/`S`: a frame sample by default, or any other point query and answer (a difference sample). */
export function createSampler<Q = SampleQuery, S = Sample>(
  sample: SampleFn<Q, S>,
  delayMs: number,
  deliver: (value: S | null) => void,
): Sampler<Q> {
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: AbortController | undefined;

  const cancel = () => {
    seq += 1;
    clearTimeout(timer);
    inFlight?.abort();
    inFlight = undefined;
  };

  return {
    request(query) {
      cancel();
      if (!query) {
        deliver(null);
        return;
      }
      const mine = seq;
      timer = setTimeout(() => {
        const abort = new AbortController();
        inFlight = abort;
        sample(query, abort.signal).then(
          (value) => mine === seq && deliver(value),
          () => mine === seq && deliver(null),
        );
      }, delayMs);
    },
    dispose: cancel,
  };
}
