/** The frame list of one dataset `{model, run, var}`; region is deliberately not an input. */
import type { Api } from '../lib/api';
import type { FramesResponse } from '../lib/types';
import { useAsync } from './useAsync';

export function useFrames(api: Api, model: string, run: string, variable: string | null) {
  const key = variable ? `frames:${model}/${run}/${variable}` : null;
  return useAsync<FramesResponse>(key, (signal) => api.frames(model, run, variable!, signal));
}
