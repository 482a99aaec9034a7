import { describe, expect, it } from 'vitest';
import type { Keyed } from '../lib/keyed';
import type { RunManifest, VarsResponse } from '../lib/types';
import { catalogKeys, selectCatalog, type CatalogAnswers } from './useCatalog';

const RUN_17 = '20260129_17z';
const RUN_18 = '20260129_18z';

function answersFor(model: string, run: string): CatalogAnswers {
  const keys = catalogKeys(model, run);
  const vars = { model, run, variables: [{ id: 'tmp2m', label: '2 m temperature' }] } as unknown as VarsResponse;
  const manifest = { model, run, demo: true } as unknown as RunManifest;
  return {
    models: { key: keys.models, value: { contract_version: '3.0', models: [] }, error: null },
    runs: { key: keys.runs, value: { model, latest: run, runs: [] }, error: null },
    vars: { key: keys.vars, value: vars, error: null } as Keyed<VarsResponse>,
    manifest: { key: keys.manifest, value: manifest, error: null } as Keyed<RunManifest>,
  };
}

describe('the catalog of a model and run', () => {
  it('lists the variables and manifest loaded for that run', () => {
    const catalog = selectCatalog(answersFor('hrrr', RUN_17), 'hrrr', RUN_17);
    expect(catalog.variables.map((v) => v.id)).toEqual(['tmp2m']);
    expect(catalog.manifest?.demo).toBe(true);
    expect(catalog.latestRun).toBe(RUN_17);
  });

  it('never shows another run\'s variables or demo flag while the new run loads (same model)', () => {
    const catalog = selectCatalog(answersFor('hrrr', RUN_17), 'hrrr', RUN_18);
    expect(catalog.variables).toEqual([]);
    expect(catalog.manifest).toBeNull();
    expect(catalog.latestRun).toBe(RUN_17); // the runs list is the model's, still current
  });

  it('never shows another model\'s runs', () => {
    const catalog = selectCatalog(answersFor('hrrr', RUN_17), 'gfs', 'latest');
    expect(catalog.runs).toEqual([]);
    expect(catalog.latestRun).toBeNull();
  });

  it('reports an error only for what is asked now', () => {
    const answers = answersFor('hrrr', RUN_17);
    answers.vars = { key: catalogKeys('hrrr', RUN_18).vars, value: null, error: new Error('HTTP 503') };
    expect(selectCatalog(answers, 'hrrr', RUN_17).error).toBeNull();
    expect(selectCatalog(answers, 'hrrr', RUN_18).error?.message).toBe('HTTP 503');
  });
});
