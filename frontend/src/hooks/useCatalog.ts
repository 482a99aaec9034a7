/** Discovery: models, the model's runs, the run's variables and manifest (for the demo flag). */
import type { Api } from '../lib/api';
import type { ModelInfo, RunInfo, RunManifest, VariableInfo } from '../lib/types';
import { useAsync } from './useAsync';

export interface Catalog {
  models: ModelInfo[];
  runs: RunInfo[];
  latestRun: string | null;
  variables: VariableInfo[];
  manifest: RunManifest | null;
  error: Error | null;
}

export function useCatalog(api: Api, model: string, run: string): Catalog {
  const models = useAsync('models', (signal) => api.models(signal));
  const runs = useAsync(`runs:${model}`, (signal) => api.runs(model, signal));
  const vars = useAsync(`vars:${model}/${run}`, (signal) => api.vars(model, run, signal));
  const manifest = useAsync(`manifest:${model}/${run}`, (signal) => api.manifest(model, run, signal));
  return {
    models: models.value?.models ?? [],
    runs: runs.value?.model === model ? runs.value.runs : [],
    latestRun: runs.value?.model === model ? runs.value.latest : null,
    variables: vars.value?.model === model ? vars.value.variables : [],
    manifest: manifest.value?.model === model ? manifest.value : null,
    error: models.error ?? runs.error ?? vars.error ?? null,
  };
}
