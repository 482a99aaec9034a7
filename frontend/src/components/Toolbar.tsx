/**
 * Dataset and view pickers: model, run, variable, region, a toggle per overlay and the city labels; and the demo-data
 * label. On a phone the pickers fold into one control that names the dataset and opens them.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { ModelInfo, OverlayInfo, Region, RunInfo, VariableInfo } from '../lib/types';
import { Picker } from './Picker';
import { VariablePicker } from './VariablePicker';

interface Props {
  models: ModelInfo[];
  model: string;
  runs: RunInfo[];
  latestRun: string | null;
  run: string;
  variables: VariableInfo[];
  variable: string;
  variableFilter: RefObject<HTMLInputElement | null>;
  regions: Region[];
  region: string;
  /** The frame's overlays, each with whether it is drawn now. */
  overlays: (OverlayInfo & { on: boolean })[];
  demo: boolean;
  onModel: (id: string) => void;
  onRun: (run: string) => void;
  onVariable: (id: string) => void;
  onRegion: (id: string) => void;
  onOverlay: (key: string, on: boolean) => void;
  citiesOn: boolean;
  onCities: (on: boolean) => void;
}

/**
 * Tells the app where the toolbar ends (`--toolbar-bottom` on its parent), so panels placed under it stay clear of
 * it however its pickers wrap or grow (the variable filter made it taller than a fixed offset allowed for).
 */
function useBottomEdge(): RefObject<HTMLDivElement | null> {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const bar = ref.current;
    if (!bar?.parentElement) return undefined;
    const app = bar.parentElement;
    const observer = new ResizeObserver(() => app.style.setProperty('--toolbar-bottom', `${bar.offsetTop + bar.offsetHeight}px`));
    observer.observe(bar);
    return () => observer.disconnect();
  }, []);
  return ref;
}

export function Toolbar(p: Props) {
  const [open, setOpen] = useState(false);
  const bar = useBottomEdge();
  const runOptions = [
    { value: 'latest', label: p.latestRun ? `latest (${p.latestRun})` : 'latest' },
    ...p.runs.map((r) => ({ value: r.run, label: r.complete ? r.run : `${r.run} (filling)` })),
  ];
  // A link may name a run that is gone: show it as asked rather than pretend another run is selected.
  if (!runOptions.some((o) => o.value === p.run)) runOptions.push({ value: p.run, label: `${p.run} (not published)` });
  return (
    <div className="panel toolbar" ref={bar}>
      <div className="brand">
        TWF Models
        {p.demo && (
          <span className="demo-badge" data-testid="demo-badge" title="Synthetic weather, not a real forecast">
            DEMO DATA
          </span>
        )}
      </div>
      <button type="button" className="pickers-toggle" data-testid="pickers-toggle" aria-expanded={open}
        onClick={() => setOpen((o) => !o)}>
        {p.models.find((m) => m.id === p.model)?.label ?? p.model} ·{' '}
        {p.variables.find((v) => v.id === p.variable)?.label ?? p.variable} ▾
      </button>
      <div className={open ? 'pickers open' : 'pickers'}>
      <Picker label="Model" name="model" value={p.model} onChange={p.onModel}
        options={p.models.map((m) => ({ value: m.id, label: m.label }))} />
      <Picker label="Run" name="run" value={p.run} onChange={p.onRun} options={runOptions} />
      <VariablePicker ref={p.variableFilter} variables={p.variables} value={p.variable} onChange={p.onVariable} />
      <Picker label="Region" name="region" value={p.region} onChange={p.onRegion}
        options={p.regions.map((r) => ({ value: r.id, label: r.label }))} />
      {p.overlays.map((o) => (
        <label className="toggle" key={o.key}>
          <input type="checkbox" data-testid={`overlay-toggle-${o.key}`} checked={o.on}
            onChange={(e) => p.onOverlay(o.key, e.target.checked)} />
          {o.label}
        </label>
      ))}
      <label className="toggle">
        <input type="checkbox" data-testid="cities-toggle" checked={p.citiesOn}
          onChange={(e) => p.onCities(e.target.checked)} />
        Cities
      </label>
      </div>
    </div>
  );
}
