/**
 * Raster sources + layers for a window of forecast frames around the one on screen (`lib/prefetch`), never the
 * whole run. Every layer of the window stays "visible" at opacity 0, so MapLibre loads (prefetches) its tiles for
 * the current view; a frame is swapped in only once all of its in-view tiles are loaded, by flipping two
 * opacities — no request, no decode, no flicker at swap time. Frames leaving the window lose their source.
 * A `204` tile is a loaded, transparent tile in MapLibre (never an error, never retried).
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Frame } from '../lib/types';
import { tileTemplate2x } from '../lib/urls';
import { perf, record } from '../lib/perf';
import { prefetchWindow } from '../lib/prefetch';
import { FRAMES_BELOW } from './style';

const PREFIX = 'twf-frame:';

export interface FrameReadiness {
  /** Per frame of the current dataset, in order: every in-view tile loaded. */
  ready: boolean[];
}

/** What FrameLayers uses of a MapLibre map (so its bookkeeping can be exercised without WebGL). */
export type FrameMap = Pick<MapLibreMap, 'on' | 'once' | 'getLayer' | 'getSource' | 'isSourceLoaded' | 'addSource'
  | 'addLayer' | 'removeLayer' | 'removeSource' | 'setPaintProperty' | 'triggerRepaint'>;

function layerId(frame: Frame): string {
  return PREFIX + frame.tile_url;
}

export class FrameLayers {
  private ids: string[] = [];
  private frameById = new Map<string, Frame>();
  /** Frame layers on the map now (window of the current dataset, plus the frame on screen). */
  private readonly added = new Set<string>();
  private index = 0;
  private shown: string | null = null;
  private wanted: string | null = null;
  private wantedAt = 0;
  private checkQueued = false;
  private lastReported = '';

  constructor(
    private readonly map: FrameMap,
    private readonly origin: string,
    private readonly onChange: (state: FrameReadiness) => void,
  ) {
    map.on('sourcedata', (e) => {
      if (e.sourceId?.startsWith(PREFIX)) this.queueCheck();
    });
    map.on('idle', () => this.queueCheck());
    map.on('moveend', () => this.queueCheck());
  }

  /** Frame sources on the map now. */
  get sourceCount(): number {
    return this.added.size;
  }

  /**
   * Replaces the dataset and asks for frame `index` of it. The frame on screen stays until the new one can be
   * shown (no blank map); the rest of the new dataset's window is prefetched once a frame of it is painted.
   */
  setFrames(frames: Frame[], index: number): void {
    this.ids = frames.map(layerId);
    const byId = new Map(frames.map((frame) => [layerId(frame), frame]));
    if (this.shown && !byId.has(this.shown)) byId.set(this.shown, this.frameById.get(this.shown)!);
    this.frameById = byId;
    perf.frameCount = this.ids.length;
    perf.allFramesReadyMs = null;
    this.show(index);
  }

  /** Asks for frame `index`; it appears as soon as its tiles are in (at once if already prefetched). */
  show(index: number): void {
    this.index = index;
    const id = this.ids[index] ?? null;
    if (id !== this.wanted) {
      this.wanted = id;
      this.wantedAt = performance.now();
    }
    this.sync();
    this.check();
  }

  /** The layers the window asks for, no others: before a frame of this dataset is painted, only the wanted one. */
  private sync(): void {
    const started = this.shown !== null && this.ids.includes(this.shown);
    const window = started ? prefetchWindow(this.ids.length, this.index).map((i) => this.ids[i]) : [];
    const keep = new Set([...window, this.wanted, this.shown].filter((id): id is string => id !== null));
    for (const id of [...this.added]) if (!keep.has(id)) this.remove(id);
    if (this.wanted) this.add(this.wanted);
    for (const id of window) this.add(id);
    perf.sourceCount = this.added.size;
  }

  private loaded(id: string): boolean {
    return this.added.has(id) && this.map.isSourceLoaded(id) === true;
  }

  private queueCheck(): void {
    if (this.checkQueued) return;
    this.checkQueued = true;
    requestAnimationFrame(() => {
      this.checkQueued = false;
      this.check();
    });
  }

  private check(): void {
    if (this.wanted && this.wanted !== this.shown && this.loaded(this.wanted)) this.swap(this.wanted);
    const ready = this.ids.map((id) => this.loaded(id));
    const readyCount = ready.filter(Boolean).length;
    perf.readyCount = readyCount;
    const inWindow = Math.min(this.ids.length, prefetchWindow(this.ids.length, this.index).length);
    if (readyCount >= inWindow && inWindow > 0 && perf.allFramesReadyMs === null) {
      perf.allFramesReadyMs = performance.now();
    }
    const key = ready.map(Number).join('');
    if (key !== this.lastReported) {
      this.lastReported = key;
      this.onChange({ ready });
    }
  }

  private swap(id: string): void {
    const started = performance.now();
    const previous = this.shown;
    this.map.setPaintProperty(id, 'raster-opacity', 1);
    if (previous && this.added.has(previous)) this.map.setPaintProperty(previous, 'raster-opacity', 0);
    this.shown = id;
    this.sync();
    const requestedAt = this.wantedAt;
    this.map.once('render', () => {
      const now = performance.now();
      record(perf.switchMs, now - requestedAt);
      record(perf.paints, now);
      perf.shownFh = this.frameById.get(id)?.fh ?? null;
      if (perf.firstFrameMs === null) perf.firstFrameMs = now;
    });
    this.map.triggerRepaint();
    record(perf.swapWorkMs, performance.now() - started);
  }

  private add(id: string): void {
    const frame = this.frameById.get(id);
    if (!frame || this.added.has(id)) return;
    this.map.addSource(id, { type: 'raster', tiles: [tileTemplate2x(frame.tile_url, this.origin)], tileSize: 512 });
    this.map.addLayer(
      { id, type: 'raster', source: id, paint: { 'raster-opacity': 0, 'raster-fade-duration': 0 } },
      FRAMES_BELOW,
    );
    this.added.add(id);
  }

  private remove(id: string): void {
    if (this.map.getLayer(id)) this.map.removeLayer(id);
    if (this.map.getSource(id)) this.map.removeSource(id);
    this.added.delete(id);
    if (!this.ids.includes(id)) this.frameById.delete(id);
  }
}
