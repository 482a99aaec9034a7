/**
 * Side by side (stacked on narrow screens): two maps with locked pan and zoom, each showing its side's frame at
 * the shared valid time. A frame counts as ready only when both sides have it, so playback never shows one side
 * ahead of the other.
 */
import { useEffect, useState } from 'react';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Frame, Region } from '../lib/types';
import type { Camera } from '../lib/urls';
import { MapView, type HoverPoint } from '../map/MapView';
import { linkCameras } from '../map/linkCameras';
import type { FrameReadiness } from '../map/frameLayers';
import type { ShownOverlay } from '../map/overlays';
import type { PlaceValues, Viewport } from '../hooks/usePlaceValues';
import type { LatLon } from '../lib/urls';

/** Side by side, the maps draw no overlays. */
const NO_OVERLAYS: ShownOverlay[] = [];

interface Props {
  origin: string;
  region: Region | null;
  initialCamera: Camera | null;
  framesA: Frame[];
  framesB: Frame[];
  frameIndex: number;
  labels: [string, string];
  onReadiness: (state: FrameReadiness) => void;
  onHover: (point: HoverPoint | null) => void;
  onCameraChange: (camera: Camera) => void;
  onMap: (map: MapLibreMap | null) => void;
  /** Passed on to both maps (a click opens the point forecast there). */
  onPick: (point: LatLon, at: number) => void;
  onViewport: (viewport: Viewport) => void;
  point: LatLon | null;
  placeLabels: PlaceValues;
}

export function CompareMaps(p: Props) {
  const [mapA, setMapA] = useState<MapLibreMap | null>(null);
  const [mapB, setMapB] = useState<MapLibreMap | null>(null);
  const [readyA, setReadyA] = useState<boolean[]>([]);
  const [readyB, setReadyB] = useState<boolean[]>([]);
  const { onReadiness, onMap } = p;

  useEffect(() => (mapA && mapB ? linkCameras(mapA, mapB) : undefined), [mapA, mapB]);
  useEffect(() => onMap(mapA), [mapA, onMap]);
  useEffect(() => onReadiness({ ready: readyA.map((r, i) => r && readyB[i] === true) }), [readyA, readyB, onReadiness]);

  const side = (frames: Frame[], setMap: (m: MapLibreMap | null) => void, setReady: (r: boolean[]) => void) => (
    <MapView origin={p.origin} region={p.region} initialCamera={p.initialCamera} frames={frames}
      frameIndex={p.frameIndex} overlays={NO_OVERLAYS} onReadiness={(s) => setReady(s.ready)} onHover={p.onHover}
      onCameraChange={p.onCameraChange} onMap={setMap} onPick={p.onPick} onViewport={p.onViewport} point={p.point}
      placeLabels={p.placeLabels} />
  );
  return (
    <div className="compare" data-testid="compare">
      <div className="pane" data-testid="pane-a">
        {side(p.framesA, setMapA, setReadyA)}
        <div className="pane-label">A · {p.labels[0]}</div>
      </div>
      <div className="pane" data-testid="pane-b">
        {side(p.framesB, setMapB, setReadyB)}
        <div className="pane-label">B · {p.labels[1]}</div>
      </div>
    </div>
  );
}
