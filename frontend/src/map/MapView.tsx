/**
 * The MapLibre map: creation, viewport, frame layers, overlays, pointer events. No UI controls live here; the
 * component receives what to show and reports readiness, hover points and user camera moves.
 */
import { useEffect, useRef, useState } from 'react';
import { Map as MapLibreMap, NavigationControl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import './worker';
import type { Frame, Region } from '../lib/types';
import type { Camera } from '../lib/urls';
import { absoluteUrl } from '../lib/urls';
import { baseStyle } from './style';
import { addBoundaries } from './boundaries';
import { setOverlays, type ShownOverlay } from './overlays';
import { FrameLayers, type FrameReadiness } from './frameLayers';
import { pickedPointMarker, setPlaceLabels, type PickedPointMarker } from './points';
import type { LatLon } from '../lib/urls';
import type { PlaceValues, Viewport } from '../hooks/usePlaceValues';

export interface HoverPoint {
  lat: number;
  lon: number;
  x: number;
  y: number;
}

interface Props {
  origin: string;
  region: Region | null;
  /** A camera from the page URL wins over the region's default view on first load. */
  initialCamera: Camera | null;
  frames: Frame[];
  frameIndex: number;
  /** The frame's overlays to draw (server-relative URLs). */
  overlays: ShownOverlay[];
  onReadiness: (state: FrameReadiness) => void;
  onHover: (point: HoverPoint | null) => void;
  onCameraChange: (camera: Camera) => void;
  /** A click or tap on the map: the point whose meteogram to open, and when (the event's `timeStamp`). */
  onPick: (point: LatLon, at: number) => void;
  /** The view after every move (and once loaded): what the city labels cover. */
  onViewport: (viewport: Viewport) => void;
  point: LatLon | null;
  placeLabels: PlaceValues;
  /** The MapLibre map once its style is loaded (null when it goes): for linking cameras and reading bounds. */
  onMap?: (map: MapLibreMap | null) => void;
}

declare global {
  interface Window {
    /** The map, for the end-to-end tests (projecting points, reading the camera). */
    __twfMap?: MapLibreMap;
  }
}

/** Keeps the newest callback in a ref, so map listeners registered once always call the current one. */
function useLatest<T>(value: T) {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}

function applyRegion(map: MapLibreMap, region: Region, jump: boolean): void {
  map.setMinZoom(region.minZoom ?? null);
  map.setMaxZoom(region.maxZoom ?? null);
  if (jump) map.jumpTo({ center: region.defaultCenter, zoom: region.defaultZoom });
}

export function MapView(props: Props) {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const layers = useRef<FrameLayers | null>(null);
  const latest = useLatest(props);
  const appliedRegion = useRef<string | null>(null);

  useEffect(() => {
    const { initialCamera, region } = latest.current;
    const regionCamera = region && { lon: region.defaultCenter[0], lat: region.defaultCenter[1], zoom: region.defaultZoom };
    const camera = initialCamera ?? regionCamera;
    const instance = new MapLibreMap({
      container: container.current!,
      style: baseStyle(),
      center: camera ? [camera.lon, camera.lat] : [0, 0],
      zoom: camera?.zoom ?? 1,
      attributionControl: { compact: true },
      fadeDuration: 0,
      // ←/→/Home/End/space drive the animation (useKeyboard); the map's own arrow-key panning would fight them.
      keyboard: false,
    });
    instance.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
    // `style.load` (style parsed) comes well before `load` (first complete render): frames start loading sooner.
    instance.once('style.load', () => {
      layers.current = new FrameLayers(instance, latest.current.origin, (state) => latest.current.onReadiness(state));
      setMap(instance);
      latest.current.onMap?.(instance);
    });
    // Boundaries parse ~1 MB of TopoJSON on the main thread: after the first complete render, not before.
    instance.once('load', () => void addBoundaries(instance));
    instance.on('mousemove', (e) =>
      latest.current.onHover({ lat: e.lngLat.lat, lon: e.lngLat.lng, x: e.point.x, y: e.point.y }),
    );
    instance.on('mouseout', () => latest.current.onHover(null));
    instance.on('click', (e) =>
      latest.current.onPick({ lat: e.lngLat.lat, lon: e.lngLat.lng }, e.originalEvent.timeStamp));
    // On a phone the point sheet takes the map's lower part: the map keeps its centre, which left a point picked
    // below it under the sheet. Bring the point back into what is left of the map.
    instance.on('resize', () => {
      const point = latest.current.point;
      if (point && !instance.getBounds().contains([point.lon, point.lat])) instance.panTo([point.lon, point.lat], { animate: false });
    });
    const reportViewport = () => {
      const b = instance.getBounds();
      latest.current.onViewport({ bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom: instance.getZoom() });
    };
    instance.on('moveend', reportViewport);
    instance.once('load', reportViewport);
    instance.on('moveend', (e) => {
      if (!e.originalEvent) return;
      const c = instance.getCenter();
      latest.current.onCameraChange({ lat: c.lat, lon: c.lng, zoom: instance.getZoom() });
    });
    window.__twfMap = instance;
    return () => {
      layers.current = null;
      latest.current.onMap?.(null);
      instance.remove();
    };
  }, [latest]);

  useEffect(() => {
    if (!map || !props.region || appliedRegion.current === props.region.id) return;
    const first = appliedRegion.current === null;
    appliedRegion.current = props.region.id;
    applyRegion(map, props.region, !(first && props.initialCamera));
  }, [map, props.region, props.initialCamera]);

  const frameIndex = useRef(props.frameIndex);
  frameIndex.current = props.frameIndex;
  useEffect(() => {
    if (map) layers.current?.setFrames(props.frames, frameIndex.current);
  }, [map, props.frames]);

  useEffect(() => {
    if (map) layers.current?.show(props.frameIndex);
  }, [map, props.frameIndex]);

  useEffect(() => {
    if (map) setOverlays(map, props.overlays.map((o) => ({ ...o, url: absoluteUrl(o.url, props.origin) })));
  }, [map, props.overlays, props.origin]);

  useEffect(() => {
    if (map) setPlaceLabels(map, props.placeLabels);
  }, [map, props.placeLabels]);

  const marker = useRef<PickedPointMarker | null>(null);
  useEffect(() => {
    if (!map) return;
    marker.current = pickedPointMarker(map);
    return () => marker.current?.remove();
  }, [map]);
  useEffect(() => {
    marker.current?.place(props.point);
  }, [map, props.point]);

  return <div ref={container} className="map" data-testid="map" />;
}
