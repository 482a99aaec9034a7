/** Discovery: models, the model's runs, the run's variables and manifest (for the demo flag). */
import type { Api } from '../lib/api';
import { errorFor, valueFor, type Keyed } from '../lib/keyed';
import type { ModelInfo, ModelsResponse, RunInfo, RunManifest, RunsResponse, VariableInfo, VarsResponse } from '../lib/types';
import { useAsync } from './useAsync';

export interface Catalog {
  models: ModelInfo[];
  runs: RunInfo[];
  latestRun: string | null;
  /** The variables of exactly the `{model, run}` asked for; empty while they load. */
  variables: VariableInfo[];
  manifest: RunManifest | null;
  error: Error | null;
}

export interface CatalogAnswers {
  models: Keyed<ModelsResponse>;
  runs: Keyed<RunsResponse>;
  vars: Keyed<VarsResponse>;
  manifest: Keyed<RunManifest>;
}

export const catalogKeys = (model: string, run: string) => ({
  models: 'models',
  runs: `runs:${model}`,
  vars: `vars:${model}/${run}`,
  manifest: `manifest:${model}/${run}`,
});

/** The catalog of `{model, run}` from the answers at hand: only answers loaded for that model and run. */
export function selectCatalog(answers: CatalogAnswers, model: string, run: string): Catalog {
  const keys = catalogKeys(model, run);
  const runs = valueFor(answers.runs, keys.runs);
  return {
    models: valueFor(answers.models, keys.models)?.models ?? [],
    runs: runs?.runs ?? [],
    latestRun: runs?.latest ?? null,
    variables: valueFor(answers.vars, keys.vars)?.variables ?? [],
    manifest: valueFor(answers.manifest, keys.manifest),
    error: errorFor(answers.models, keys.models) ?? errorFor(answers.runs, keys.runs)
      ?? errorFor(answers.vars, keys.vars) ?? null,
  };
}

export function useCatalog(api: Api, model: string, run: string): Catalog {
  const keys = catalogKeys(model, run);
  const answers: CatalogAnswers = {
    models: useAsync(keys.models, (signal) => api.models(signal)),
    runs: useAsync(keys.runs, (signal) => api.runs(model, signal)),
    vars: useAsync(keys.vars, (signal) => api.vars(model, run, signal)),
    manifest: useAsync(keys.manifest, (signal) => api.manifest(model, run, signal)),
  };
  return selectCatalog(answers, model, run);
}
