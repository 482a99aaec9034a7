/**
 * One raster source + layer per forecast frame. Every layer of the current dataset stays "visible" at opacity 0,
 * so MapLibre loads (prefetches) its tiles for the current view; a frame is swapped in only once all of its
 * in-view tiles are loaded, by flipping two opacities — no request, no decode, no flicker at swap time.
 * A `204` tile is a loaded, transparent tile in MapLibre (never an error, never retried).
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Frame } from '../lib/types';
import { tileTemplate2x } from '../lib/urls';
import { perf } from '../lib/perf';
import { FRAMES_BELOW } from './style';

const PREFIX = 'twf-frame:';

export interface FrameReadiness {
  /** Per frame of the current dataset, in order: every in-view tile loaded. */
  ready: boolean[];
}

function layerId(frame: Frame): string {
  return PREFIX + frame.tile_url;
}

export class FrameLayers {
  private ids: string[] = [];
  private readonly frameById = new Map<string, Frame>();
  /** Frames of the dataset not yet added: they wait until the first frame is on screen, so it loads alone. */
  private deferred = new Set<string>();
  private shown: string | null = null;
  private wanted: string | null = null;
  private wantedAt = 0;
  private checkQueued = false;
  private lastReported = '';

  constructor(
    private readonly map: MapLibreMap,
    private readonly origin: string,
    private readonly onChange: (state: FrameReadiness) => void,
  ) {
    map.on('sourcedata', (e) => {
      if (e.sourceId?.startsWith(PREFIX)) this.queueCheck();
    });
    map.on('idle', () => this.queueCheck());
    map.on('moveend', () => this.queueCheck());
  }

  /**
   * Replaces the dataset and asks for frame `index` of it. Layers of the old dataset stay until the new frame
   * can be shown (no blank map); the new dataset's other frames are prefetched once that frame is painted.
   */
  setFrames(frames: Frame[], index: number): void {
    const next = frames.map(layerId);
    const keep = new Set(next);
    for (const id of this.ids) if (!keep.has(id) && id !== this.shown) this.remove(id);
    for (const frame of frames) this.frameById.set(layerId(frame), frame);
    this.ids = next;
    this.deferred = new Set(next.filter((id) => !this.map.getLayer(id)));
    perf.frameCount = next.length;
    perf.allFramesReadyMs = null;
    this.show(index);
    // Same dataset refreshed (a run still filling): the frame on screen stays, new frames prefetch at once.
    if (this.shown && keep.has(this.shown)) this.addDeferred();
    this.queueCheck();
  }

  /** Asks for frame `index`; it appears as soon as its tiles are in (at once if already prefetched). */
  show(index: number): void {
    const id = this.ids[index] ?? null;
    if (id === this.wanted) return;
    this.wanted = id;
    this.wantedAt = performance.now();
    if (id) this.add(id);
    this.check();
  }

  private loaded(id: string): boolean {
    return this.map.getSource(id) !== undefined && this.map.isSourceLoaded(id) === true;
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
    if (readyCount === ready.length && ready.length > 0 && perf.allFramesReadyMs === null) {
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
    if (previous && this.map.getLayer(previous)) {
      if (this.ids.includes(previous)) this.map.setPaintProperty(previous, 'raster-opacity', 0);
      else this.remove(previous);
    }
    this.shown = id;
    this.addDeferred();
    const requestedAt = this.wantedAt;
    this.map.once('render', () => {
      const now = performance.now();
      perf.switchMs.push(now - requestedAt);
      perf.paints.push(now);
      perf.shownFh = this.frameById.get(id)?.fh ?? null;
      if (perf.firstFrameMs === null) perf.firstFrameMs = now;
    });
    this.map.triggerRepaint();
    perf.swapWorkMs.push(performance.now() - started);
  }

  private addDeferred(): void {
    for (const id of this.deferred) this.add(id);
  }

  private add(id: string): void {
    this.deferred.delete(id);
    const frame = this.frameById.get(id);
    if (!frame || this.map.getLayer(id)) return;
    this.map.addSource(id, { type: 'raster', tiles: [tileTemplate2x(frame.tile_url, this.origin)], tileSize: 512 });
    this.map.addLayer(
      { id, type: 'raster', source: id, paint: { 'raster-opacity': 0, 'raster-fade-duration': 0 } },
      FRAMES_BELOW,
    );
  }

  private remove(id: string): void {
    if (this.map.getLayer(id)) this.map.removeLayer(id);
    if (this.map.getSource(id)) this.map.removeSource(id);
    this.frameById.delete(id);
  }
}
