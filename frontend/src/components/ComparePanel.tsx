/**
 * The view mode (single map, side by side, difference, trend) and, for side by side and difference, side B's
 * own model, run and variable pickers; for a trend, how many runs.
 */
import { MODES, type Mode } from '../lib/compare';
import type { ModelInfo, VariableInfo, RunInfo } from '../lib/types';
import type { Dataset } from '../lib/urls';
import { variableOptions } from '../lib/variables';
import { Picker } from './Picker';

interface Props {
  mode: Mode;
  models: ModelInfo[];
  b: Dataset | null;
  runsB: RunInfo[];
  latestRunB: string | null;
  variablesB: VariableInfo[];
  variableB: string | null;
  trendRuns: number;
  onMode: (mode: Mode) => void;
  onB: (patch: Partial<Dataset>) => void;
  onTrendRuns: (runs: number) => void;
}

const TREND_RUN_CHOICES = [2, 3, 4, 6, 8, 12, 24];

export function ComparePanel(p: Props) {
  return (
    <div className="panel compare-panel" data-testid="compare-panel">
      <Picker label="View" name="mode" value={p.mode} onChange={(m) => p.onMode(m as Mode)} options={MODES} />
      {p.b && (
        <>
          <Picker label="B model" name="bmodel" value={p.b.model} onChange={(model) => p.onB({ model, run: 'latest' })}
            options={p.models.map((m) => ({ value: m.id, label: m.label }))} />
          <Picker label="B run" name="brun" value={p.b.run} onChange={(run) => p.onB({ run })} options={[
            { value: 'latest', label: p.latestRunB ? `latest (${p.latestRunB})` : 'latest' },
            ...p.runsB.map((r) => ({ value: r.run, label: r.run })),
          ]} />
          <Picker label="B variable" name="bvar" value={p.variableB ?? p.b.var} onChange={(v) => p.onB({ var: v })}
            options={variableOptions(p.variablesB)} />
        </>
      )}
      {p.mode === 'trend' && (
        <Picker label="Runs" name="trend-runs" value={String(p.trendRuns)} onChange={(r) => p.onTrendRuns(Number(r))}
          options={TREND_RUN_CHOICES.map((n) => ({ value: String(n), label: `last ${n}` }))} />
      )}
    </div>
  );
}
