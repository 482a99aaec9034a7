/**
 * The viewer: composes the state hooks (URL view, regions, catalog, frames, playback, hover sample) with the map
 * and the controls. Region only ever reaches the map's viewport; dataset hooks take `{model, run, var}` alone.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { createApi } from './lib/api';
import type { Camera } from './lib/urls';
import { useViewUrl } from './hooks/useViewUrl';
import { useRegions } from './hooks/useRegions';
import { useCatalog } from './hooks/useCatalog';
import { useFrames } from './hooks/useFrames';
import { usePlayback } from './hooks/usePlayback';
import { useModeSamples } from './hooks/useModeSamples';
import { useKeyboard } from './hooks/useKeyboard';
import { adjacentVariable, chooseVariable } from './lib/variables';
import { MapView, type HoverPoint } from './map/MapView';
import type { FrameReadiness } from './map/frameLayers';
import { Toolbar } from './components/Toolbar';
import { TimeControls } from './components/TimeControls';
import { Legend } from './components/Legend';
import { HoverReadout } from './components/HoverReadout';
import { CompareMaps } from './components/CompareMaps';
import { ComparePanel } from './components/ComparePanel';
import { CompareReadout } from './components/CompareReadout';
import { ExportButton } from './components/ExportButton';
import { useSideB } from './hooks/useSideB';
import { useModeView } from './hooks/useModeView';
import { exportAsk, modePatch } from './lib/compare';
import type { Frame } from './lib/types';
import type { ShownOverlay } from './map/overlays';
import type { LatLon } from './lib/urls';
import { perf } from './lib/perf';
import { labelsByDefault } from './lib/places';
import { usePointSeries } from './hooks/usePointSeries';
import { usePlaceValues, type Viewport } from './hooks/usePlaceValues';
import { PointPanel } from './components/PointPanel';

const NO_FRAMES: Frame[] = [];

/** The frame to show for a requested fh: that one, else the first later one, else the last. */
function indexForFh(frames: Frame[], fh: number | null): number {
  if (fh === null) return 0;
  const exact = frames.findIndex((f) => f.fh === fh);
  const at = exact !== -1 ? exact : frames.findIndex((f) => f.fh >= fh);
  return at === -1 ? frames.length - 1 : at;
}

export function App() {
  const origin = window.location.origin;
  const api = useMemo(() => createApi(origin), [origin]);
  const [view, update] = useViewUrl();
  const regions = useRegions(api);
  const catalog = useCatalog(api, view.model, view.run);
  // A variable without frames yet (listed by a filling run) is never shown: fall back to one with frames.
  const variable = chooseVariable(catalog.variables, view.var);
  const frames = useFrames(api, view.model, view.run, variable);
  const current = variable !== null ? frames.value : null;
  const sideB = useSideB(api, view.b);
  const modeView = useModeView(api, view, current, sideB);
  const frameList = current ? modeView.frames : NO_FRAMES;
  const index = Math.max(0, indexForFh(frameList, view.fh));
  const frame = frameList[index] ?? null;
  const [map, setMap] = useState<MapLibreMap | null>(null);

  const [readiness, setReadiness] = useState<FrameReadiness>({ ready: [] });
  const [hover, setHover] = useState<HoverPoint | null>(null);
  // The user's overlay toggles by key; an overlay not toggled yet follows its `shown` default.
  const [overlayChoice, setOverlayChoice] = useState<Record<string, boolean>>({});

  const setIndex = useCallback((i: number) => frameList[i] && update({ fh: frameList[i].fh }), [frameList, update]);
  const playback = usePlayback(frameList.length, index, setIndex, readiness.ready);
  const variableFilter = useRef<HTMLInputElement>(null);
  useKeyboard({
    playback,
    focusFilter: () => variableFilter.current?.focus(),
    stepVariable: (step) => {
      const next = variable !== null ? adjacentVariable(catalog.variables, variable, step) : null;
      if (next) update({ var: next });
    },
  });

  const identity = view.mode === 'single' && current && frame
    ? { model: current.model, run: current.run, var: current.var, fh: frame.fh } : null;
  const { sample, sampleB, diffSample } = useModeSamples(api, view.mode, current, sideB.frames, modeView, index, hover);
  const [viewport, setViewport] = useState<Viewport | null>(null);
  const [citiesChoice, setCities] = useState<boolean | null>(null); // null: the variable's default
  const citiesOn = citiesChoice ?? labelsByDefault(current?.units);
  const placeLabels = usePlaceValues(api, identity, viewport, citiesOn);
  const pointSeries = usePointSeries(api, view.point);
  const onPick = useCallback((point: LatLon, at: number) => {
    perf.pointPickedAt = at;
    update({ point });
  }, [update]);

  const regionId = view.region ?? regions.defaultId ?? '';
  const region = regions.regions.find((r) => r.id === regionId) ?? regions.regions[0] ?? null;
  const overlayToggles = (current?.overlays ?? [])
    .filter((o) => frame && o.key in frame.overlays)
    .map((o) => ({ ...o, on: overlayChoice[o.key] ?? o.shown }));
  const overlayKey = overlayToggles.map((o) => `${o.key}:${o.on ? frame!.overlays[o.key] : ''}`).join('|');
  // A new list only when what is drawn changes (`overlayKey`), so the map is not re-pointed on every render.
  const shownOverlays = useMemo<ShownOverlay[]>(() => overlayToggles.filter((o) => o.on)
    .map((o) => ({ key: o.key, kind: o.kind, url: frame!.overlays[o.key] })), [overlayKey]);
  const variableInfo = catalog.variables.find((v) => v.id === variable);
  const onCamera = useCallback((camera: Camera) => update({ camera }), [update]);
  const error = catalog.error ?? (variable !== null ? frames.error : null) ?? modeView.error;
  const legend = modeView.legend;
  const legendTitle = view.mode === 'diff' ? `Difference A − B, ${variableInfo?.label ?? view.var}` : (variableInfo?.label ?? view.var);

  return (
    <div className={view.point ? 'app with-point' : 'app'} data-testid="app">
      {regions.status !== 'loading' && view.mode === 'compare' && current && (
        <CompareMaps origin={origin} region={region} initialCamera={view.camera} framesA={frameList}
          framesB={modeView.framesB ?? NO_FRAMES} frameIndex={index} onReadiness={setReadiness} onHover={setHover}
          onCameraChange={onCamera} onMap={setMap} onPick={onPick} onViewport={setViewport} point={view.point}
          placeLabels={placeLabels} labels={[`${current.model} ${current.run} ${current.var}`,
            sideB.frames ? `${sideB.frames.model} ${sideB.frames.run} ${sideB.frames.var}` : '…']} />
      )}
      {regions.status !== 'loading' && view.mode !== 'compare' && (
        <MapView
          origin={origin}
          region={region}
          initialCamera={view.camera}
          frames={frameList}
          frameIndex={index}
          overlays={shownOverlays}
          onReadiness={setReadiness}
          onHover={setHover}
          onCameraChange={onCamera}
          onPick={onPick}
          onViewport={setViewport}
          point={view.point}
          placeLabels={placeLabels}
          onMap={setMap}
        />
      )}
      <Toolbar
        models={catalog.models}
        model={view.model}
        runs={catalog.runs}
        latestRun={catalog.latestRun}
        run={view.run}
        variables={catalog.variables}
        variable={variable ?? ''}
        variableFilter={variableFilter}
        regions={regions.regions}
        region={region?.id ?? ''}
        overlays={overlayToggles}
        demo={catalog.manifest?.demo === true}
        onModel={(model) => update({ model, run: 'latest', fh: null })}
        onRun={(run) => update({ run })}
        onVariable={(v) => update({ var: v })}
        onRegion={(id) => update({ region: id, camera: null })}
        onOverlay={(key, on) => setOverlayChoice((choice) => ({ ...choice, [key]: on }))}
        citiesOn={citiesOn}
        onCities={setCities}
      />
      {error && (
        <div className="panel error" role="alert">
          {error.message}
        </div>
      )}
      {/* The controls over the map's foot: placed one by one on a wide screen, stacked in one column on a phone. */}
      <div className="dock">
        <ComparePanel mode={view.mode} models={catalog.models} b={view.b} runsB={sideB.runs}
          latestRunB={sideB.latestRun} variablesB={sideB.variables} variableB={sideB.variable} trendRuns={view.runs}
          onMode={(mode) => update(modePatch(view, mode, variable, frame))}
          onB={(patch) => view.b && update({ b: { ...view.b, ...patch } })} onTrendRuns={(runs) => update({ runs })} />
        {current && (view.mode === 'single' || view.mode === 'trend') && (
          <ExportButton frames={frameList} labels={modeView.runs}
            ask={(from, to, format) => exportAsk(view, current, frameList.slice(from, to + 1), map, format, playback.fps)} />
        )}
        {current && legend && <Legend legend={legend} title={legendTitle} />}
        {variable === null && (
          <div className="panel timebar" data-testid="no-frames">
            No frames published yet for this run.
          </div>
        )}
        {current && (
          <TimeControls frames={frameList} index={index} readyCount={readiness.ready.filter(Boolean).length}
            playback={playback} onIndex={setIndex} caption={modeView.runs ? `Run ${modeView.runs[index]}` : undefined} />
        )}
      </div>
      {hover && (view.mode === 'single' || view.mode === 'trend') && <HoverReadout sample={sample} decimals={legend?.decimals ?? 1} x={hover.x} y={hover.y} />}
      {hover && (view.mode === 'compare' || view.mode === 'diff') && (
        <CompareReadout a={sample} b={sampleB} diff={diffSample} x={hover.x} y={hover.y} />
      )}
      {view.point && (
        <PointPanel point={view.point} series={pointSeries} currentTime={frame?.valid_time ?? null}
          onClose={() => update({ point: null })} />
      )}
    </div>
  );
}
