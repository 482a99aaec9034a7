/** The frame list of one dataset `{model, run, var}`; region is deliberately not an input. */
import type { Api } from '../lib/api';
import { errorFor, valueFor } from '../lib/keyed';
import type { FramesResponse } from '../lib/types';
import { useAsync } from './useAsync';

export interface Frames {
  /** The frames of exactly this dataset, `null` while they load (never the previous dataset's). */
  value: FramesResponse | null;
  error: Error | null;
}

export function useFrames(api: Api, model: string, run: string, variable: string | null): Frames {
  const key = variable ? `frames:${model}/${run}/${variable}` : null;
  const state = useAsync<FramesResponse>(key, (signal) => api.frames(model, run, variable!, signal));
  return { value: valueFor(state, key), error: errorFor(state, key) };
}
