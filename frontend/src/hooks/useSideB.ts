/** Side B of the compare and difference views: its runs, variables and frames (nothing while `b` is null). */
import type { Api } from '../lib/api';
import type { Dataset } from '../lib/urls';
import { chooseVariable } from '../lib/variables';
import type { FramesResponse, RunInfo, VariableInfo } from '../lib/types';
import { useAsync } from './useAsync';
import { useFrames } from './useFrames';

export interface SideB {
  runs: RunInfo[];
  latestRun: string | null;
  variables: VariableInfo[];
  variable: string | null;
  frames: FramesResponse | null;
  error: Error | null;
}

export function useSideB(api: Api, b: Dataset | null): SideB {
  const runs = useAsync(b ? `runs:${b.model}` : null, (signal) => api.runs(b!.model, signal));
  const vars = useAsync(b ? `vars:${b.model}/${b.run}` : null, (signal) => api.vars(b!.model, b!.run, signal));
  const variables = b && vars.value?.model === b.model ? vars.value.variables : [];
  const variable = b ? chooseVariable(variables, b.var) : null;
  const frames = useFrames(api, b?.model ?? '', b?.run ?? '', variable);
  const current = b && frames.value?.model === b.model && frames.value.var === variable ? frames.value : null;
  return {
    runs: b && runs.value?.model === b.model ? runs.value.runs : [],
    latestRun: b && runs.value?.model === b.model ? runs.value.latest : null,
    variables,
    variable,
    frames: current,
    error: b ? (runs.error ?? vars.error ?? frames.error) : null,
  };
}
